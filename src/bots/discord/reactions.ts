import { z } from 'zod';
import { messageKey } from './ids.js';

/** The ⭐ emoji as Discord sends it in reaction events (a unicode emoji has no id). */
const star = '⭐';

const reactionSchema = z.object({
  t: z.enum(['MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE']),
  d: z.object({
    user_id: z.string(),
    channel_id: z.string(),
    message_id: z.string(),
    emoji: z.object({ name: z.string().nullable() }),
  }),
});

/**
 * A ⭐ added to or removed from a message, read from the raw gateway packet: discord.js emits reaction events
 * only for messages in its cache (or with partials), and the bot's results are posted over REST, often by
 * another process. Anything else → undefined.
 */
export function starReaction(
  packet: unknown,
): { messageKey: string; userId: string; on: boolean; id: string } | undefined {
  const parsed = reactionSchema.safeParse(packet);
  if (!parsed.success || parsed.data.d.emoji.name !== star) return undefined;
  const { d, t } = parsed.data;
  return {
    messageKey: messageKey(d.channel_id, d.message_id),
    userId: `discord:${d.user_id}`,
    on: t === 'MESSAGE_REACTION_ADD',
    id: `${t}:${d.channel_id}:${d.message_id}:${d.user_id}`,
  };
}
