import KeyvRedis, { createClient, defaultReconnectStrategy } from '@keyv/redis';
import { Keyv } from 'keyv';
import { z } from 'zod';
import { ImagineError } from '../errors.js';
import { type AtomicOperations, createKeyvStore, errorText } from './keyv-store.js';
import type { CounterWindow, ReserveAllResult, Store, StoreLogger } from './store.js';
import { keyvValueCodec } from './value-codec.js';

export interface RedisStoreOptions {
  namespace: string;
  logger: StoreLogger;
  connectTimeoutMs?: number;
}

export type RedisClient = ReturnType<typeof createClient>;

// All or nothing: every counter below its limit, or nothing taken. KEYS: the counters; ARGV: limit and TTL of
// each, in turn. A window starts at its counter's first increment (PTTL < 0: no expiry set yet).
const reserveAllScript = `
local used = {}
for index, key in ipairs(KEYS) do
  used[index] = tonumber(redis.call('GET', key) or '0')
  if used[index] >= tonumber(ARGV[2 * index - 1]) then return {0, index - 1, used[index]} end
end
for index, key in ipairs(KEYS) do
  used[index] = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[2 * index]) end
end
return {1, used}`;

// DECR keeps the key's TTL, so a refund does not restart the window.
const releaseScript = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

const reserveAllReply = z.union([
  z.tuple([z.literal(1), z.array(z.number())]),
  z.tuple([z.literal(0), z.number(), z.number()]),
]);
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
    async reserveAll(windows: readonly CounterWindow[]): Promise<ReserveAllResult> {
      const reply = await client.eval(reserveAllScript, {
        keys: windows.map((window) => window.key),
        arguments: windows.flatMap((window) => [String(window.limit), String(window.ttlMs)]),
      });
      const parsed = reserveAllReply.parse(reply);
      return parsed[0] === 1
        ? { ok: true, used: parsed[1] }
        : { ok: false, refused: parsed[1], used: parsed[2] };
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
