import type { User } from 'discord.js';
import type { CommandContext } from '../../commands/context.js';
import { channelKey, threadKey, userKey } from './ids.js';

/**
 * Who asked, where, in the brain's terms. A thread counts as its parent channel for settings and quotas, and is
 * the conversation's key.
 */
export function discordContext(
  user: User,
  place: { channelId: string; parentId?: string | null; threadId?: string | null },
  isAdmin: boolean,
  rest: Pick<CommandContext, 'uploadLimitBytes' | 'onProgress' | 'destination'>,
): CommandContext {
  return {
    platform: 'discord',
    user: { id: userKey(user.id), name: user.globalName ?? user.username, isAdmin },
    channelId: channelKey(place.parentId ?? place.channelId),
    ...(place.threadId && { threadId: threadKey(place.threadId) }),
    ...rest,
  };
}
