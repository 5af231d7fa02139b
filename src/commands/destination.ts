import { z } from 'zod';

/**
 * Where and how a job's replies are posted, stored in the job record so that any process (not only the one
 * that received the command) can post its progress and result. Ids are the platforms' own, unqualified. The
 * core keeps the record's destination as it is (it knows no platform); these schemas read it back.
 */
export const discordDestinationSchema = z.object({
  platform: z.literal('discord'),
  applicationId: z.string(),
  channelId: z.string(),
  guildId: z.string().optional(),
  /** Replies land in this thread instead of `channelId`. */
  threadId: z.string().optional(),
  requesterId: z.string(),
  /** The interaction's token: its webhook takes edits and follow-ups until `tokenExpiresAt`. */
  interactionToken: z.string().optional(),
  /** Epoch ms after which the token is not used (Discord's 15 minutes, less a safety margin). */
  tokenExpiresAt: z.number().optional(),
  /** A channel message of the bot's to edit with progress (the queued note), when there is no live token. */
  messageId: z.string().optional(),
  /** The interaction's reply belongs to another job of the same command (compare): post follow-ups only. */
  followUp: z.boolean().optional(),
  /** The user's message this answers: the first message replies to it (without a ping). */
  replyToMessageId: z.string().optional(),
  /** The user's message that shows the bot's ⌛ until the outcome, which then shows ✅ or ❌ there. */
  reactionMessageId: z.string().optional(),
});

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

export const consoleDestinationSchema = z.object({
  platform: z.literal('console'),
  sessionId: z.string(),
});

export const destinationSchema = z.discriminatedUnion('platform', [
  discordDestinationSchema,
  slackDestinationSchema,
  consoleDestinationSchema,
]);

export type Destination = z.infer<typeof destinationSchema>;
export type DiscordDestination = z.infer<typeof discordDestinationSchema>;
export type SlackDestination = z.infer<typeof slackDestinationSchema>;
export type ConsoleDestination = z.infer<typeof consoleDestinationSchema>;
export type DestinationPlatform = Destination['platform'];

/** A job record's stored destination, read whole; undefined when it is not one this version knows. */
export function readDestination(stored: unknown): Destination | undefined {
  const parsed = destinationSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}
