import { z } from 'zod';

/**
 * Where a Slack job's replies go, stored in the job record (src/commands/destination.ts) so that any process can
 * post them; the Slack outlet reads it back with this schema. Ids are Slack's own, unqualified.
 */
export const slackDestinationSchema = z.object({
  platform: z.literal('slack'),
  teamId: z.string().optional(),
  channelId: z.string(),
  /** The parent's ts of the thread replies go to. */
  threadTs: z.string().optional(),
  requesterId: z.string(),
  /** A slash command's response_url: replaces the ephemeral queued note (5 posts within 30 minutes). */
  responseUrl: z.string().optional(),
  /** A public message of the bot's (the placeholder) that progress edits and the first reply replaces. */
  messageTs: z.string().optional(),
  /** The user's message that shows the bot's hourglass reaction until the outcome is posted. */
  reactionTs: z.string().optional(),
});

export type SlackDestination = z.infer<typeof slackDestinationSchema>;
