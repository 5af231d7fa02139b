import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { SlackDeps } from '../deps.js';
import { messageKey } from '../slack-ids.js';

/** Slack names the ⭐ emoji `star`. */
const star = 'star';

const reactionSchema = z.object({
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.literal('message'), channel: z.string(), ts: z.string() }),
});

/** A ⭐ on one of the bot's results marks it a favourite on the team board; taking the ⭐ away unmarks it. */
export function registerReactions(bolt: App, deps: SlackDeps): void {
  for (const [name, on] of [
    ['reaction_added', true],
    ['reaction_removed', false],
  ] as const) {
    bolt.event(name, async ({ event, context }) => {
      const reaction = reactionSchema.safeParse(event);
      if (!reaction.success || reaction.data.reaction !== star) return;
      const { user, item } = reaction.data;
      await deps.brain.favouriteMessage(
        messageKey(item.channel, item.ts),
        `slack:${context.teamId ?? ''}/${user}`,
        on,
      );
    });
  }
}
