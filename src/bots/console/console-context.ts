import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { CommandContext } from '../../commands/context.js';

/** There is no upload on a terminal: images are written whole. */
const noUploadLimit = Number.MAX_SAFE_INTEGER;

/** The OS user's name; some containers have no passwd entry, hence the fallbacks. */
export function osUserName(env: NodeJS.ProcessEnv): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {}
  return env.USER ?? env.USERNAME ?? 'local';
}

/** The person at the terminal: `console:<os user>`, an admin (it is their own machine), in `console:local`. */
export function consoleContext(userName: string): CommandContext {
  return {
    platform: 'console',
    user: { id: `console:${userName}`, name: userName, isAdmin: true },
    channelId: 'console:local',
    uploadLimitBytes: noUploadLimit,
  };
}

/**
 * Thread keys `console:<session>-<n>`: the session part keeps two chats sharing one store (a SQLite file) from
 * continuing each other's threads.
 */
export function threadKeys(): () => string {
  const session = randomBytes(4).toString('hex');
  let count = 0;
  return () => {
    count += 1;
    return `console:${session}-${count}`;
  };
}
