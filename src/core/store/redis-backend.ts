import KeyvRedis, { createClient, defaultReconnectStrategy } from '@keyv/redis';
import { Keyv } from 'keyv';
import { z } from 'zod';
import { ImagineError } from '../errors.js';
import { type AtomicOperations, createKeyvStore, errorText } from './keyv-store.js';
import type { ReserveResult, Store, StoreLogger } from './store.js';
import { keyvValueCodec } from './value-codec.js';

export interface RedisStoreOptions {
  namespace: string;
  logger: StoreLogger;
  connectTimeoutMs?: number;
}

export type RedisClient = ReturnType<typeof createClient>;

// Increment only below the limit; the window starts at the first increment (PTTL < 0: no expiry set yet).
const reserveScript = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return {0, used} end
used = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, used}`;

// DECR keeps the key's TTL, so a refund does not restart the window.
const releaseScript = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

const reserveReply = z.tuple([z.number(), z.number()]);
const countReply = z.coerce.number().int().nonnegative();

/** The URL as safe to print: scheme, host, port and database, never the user or password. */
export function describeRedisUrl(url: URL): string {
  const port = url.port === '' ? '' : `:${url.port}`;
  const database = url.pathname === '/' ? '' : url.pathname;
  return `${url.protocol}//${url.hostname}${port}${database}`;
}

/** Lua scripts and SET NX PX: each a single Redis command, so atomic across every client of the server. */
export function createRedisAtomicOperations(client: RedisClient): AtomicOperations {
  return {
    async reserve(key: string, limit: number, ttlMs: number): Promise<ReserveResult> {
      const reply = await client.eval(reserveScript, {
        keys: [key],
        arguments: [String(limit), String(ttlMs)],
      });
      const [ok, used] = reserveReply.parse(reply);
      return { ok: ok === 1, used };
    },
    async release(key: string): Promise<void> {
      await client.eval(releaseScript, { keys: [key], arguments: [] });
    },
    async count(key: string): Promise<number> {
      const reply = await client.get(key);
      return reply === null ? 0 : countReply.parse(reply);
    },
    async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
      const reply = await client.set(key, owner, {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      });
      return reply === 'OK';
    },
  };
}

export async function openRedisStore(url: URL, options: RedisStoreOptions): Promise<Store> {
  const { logger } = options;
  const safeUrl = describeRedisUrl(url);
  const secrets = url.password === '' ? [] : [url.password, decodeURIComponent(url.password)];
  let client: RedisClient;
  try {
    // No offline queue: while Redis is away, calls fail at once (get → undefined) instead of hanging.
    client = createClient({
      url: url.href,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: defaultReconnectStrategy },
    });
  } catch (error) {
    throw new ImagineError('config', `STORE_URL is not a valid Redis URL (${errorText(error, secrets)}).`);
  }

  logConnectionErrors(client, { logger, safeUrl, secrets, message: 'redis store connection error' });

  await connectWithin(client, options.connectTimeoutMs ?? 10_000, safeUrl, secrets);

  const adapter = new KeyvRedis(client, {
    namespace: options.namespace,
    throwOnErrors: true,
    throwOnConnectError: true,
  });
  // @keyv/redis prefixes keys itself (`namespace::key`), so keyv must not prefix them again.
  const keyv = new Keyv(adapter, {
    namespace: options.namespace,
    useKeyPrefix: false,
    throwOnErrors: true,
    ...keyvValueCodec,
  });
  return createKeyvStore({
    backend: 'redis',
    namespace: options.namespace,
    keyv,
    atomic: createRedisAtomicOperations(client),
    logger,
    secrets,
    close: () => adapter.disconnect(!client.isReady),
  });
}

/** Connects, or fails after `timeoutMs` with an ImagineError naming `label` and the safe URL. */
/** Logs a client's connection errors, each new one once: a reconnect loop repeats the same error every few seconds. */
export function logConnectionErrors(
  client: RedisClient,
  options: { logger: StoreLogger; safeUrl: string; secrets: readonly string[]; message: string },
): void {
  let lastLogged: string | undefined;
  client.on('error', (error: unknown) => {
    const text = errorText(error, options.secrets);
    if (text === lastLogged) return;
    lastLogged = text;
    options.logger.warn(options.message, { url: options.safeUrl, error: text });
  });
  client.on('ready', () => {
    lastLogged = undefined;
  });
}

export async function connectWithin(
  client: RedisClient,
  timeoutMs: number,
  safeUrl: string,
  secrets: readonly string[],
  label = 'Redis store',
): Promise<void> {
  let lastError: unknown;
  const remember = (error: unknown) => {
    lastError = error;
  };
  client.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  const connecting = client.connect();
  // After a timeout the pending promise settles on its own; nobody awaits it then.
  connecting.catch(() => undefined);
  try {
    await Promise.race([
      connecting,
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw new ImagineError(
      'network',
      `Could not connect to the ${label} at ${safeUrl}: ${errorText(lastError ?? error, secrets)}.`,
      { retryable: true },
    );
  } finally {
    clearTimeout(timer);
    client.off('error', remember);
  }
}
