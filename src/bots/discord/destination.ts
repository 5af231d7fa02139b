import { z } from 'zod';

/**
 * Where a Discord job's replies go, stored in the job record (src/commands/destination.ts) so that any process can
 * post them; the Discord outlet reads it back with this schema. Ids are Discord's own, unqualified.
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

export type DiscordDestination = z.infer<typeof discordDestinationSchema>;
