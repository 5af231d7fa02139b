import { ImagineError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createMemoryStore } from './memory-backend.js';
import { openRedisStore } from './redis-backend.js';
import { openSqliteStore } from './sqlite-backend.js';
import { defaultStoreNamespace, type Store, type StoreOptions } from './store.js';

export const defaultStoreUrl = 'sqlite://data/imagine-bot.sqlite';

/**
 * Opens the store named by `STORE_URL`:
 * `sqlite://data/imagine-bot.sqlite` (relative to the working directory; `sqlite:///abs/path` too),
 * `sqlite://:memory:`, `memory://` (one process, tests), `redis://[user:password@]host:port[/db]` or `rediss://`.
 * A Redis store is connected before this resolves. Messages never echo a password.
 */
export async function createStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const namespace = options.namespace ?? defaultStoreNamespace;
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url.trim())?.[0].toLowerCase();
  switch (scheme) {
    case 'memory:':
      return createMemoryStore({ namespace, logger });
    case 'sqlite:':
      return openSqliteStore(sqliteLocation(url.trim()), { namespace, logger });
    case 'redis:':
    case 'rediss:':
      return openRedisStore(redisUrl(url.trim()), {
        namespace,
        logger,
        connectTimeoutMs: options.connectTimeoutMs,
      });
    default:
      throw new ImagineError(
        'config',
        `STORE_URL must start with sqlite://, memory:// or redis:// (got ${scheme === undefined ? 'no scheme' : `"${scheme}"`}).`,
      );
  }
}

function sqliteLocation(url: string): string {
  const prefix = 'sqlite://';
  const location = url.toLowerCase().startsWith(prefix) ? url.slice(prefix.length) : '';
  if (location === '') {
    throw new ImagineError(
      'config',
      'STORE_URL sqlite:// needs a file path, e.g. sqlite://data/imagine-bot.sqlite or sqlite://:memory:.',
    );
  }
  return location;
}

function redisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImagineError('config', 'STORE_URL is not a valid Redis URL: expected redis://host:port[/db].');
  }
  if (parsed.hostname === '') {
    throw new ImagineError(
      'config',
      'STORE_URL is not a valid Redis URL: it names no host (redis://host:port[/db]).',
    );
  }
  return parsed;
}
