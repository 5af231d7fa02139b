import type { Keyv } from 'keyv';
import type { ZodType } from 'zod';
import { ImagineError } from '../errors.js';
import { redactSecrets } from '../redact-secrets.js';
import type { CounterWindow, ReserveAllResult, ReserveResult, Store, StoreLogger } from './store.js';

export type StoreBackend = 'memory' | 'sqlite' | 'redis';

/** The operations keyv cannot do atomically; each backend brings its own. */
export interface AtomicOperations {
  /** All or nothing: see `Store.reserveAll` (keys already prefixed, limits whole, TTLs normalised). */
  reserveAll(windows: readonly CounterWindow[]): Promise<ReserveAllResult> | ReserveAllResult;
  release(key: string): Promise<void> | void;
  count(key: string): Promise<number> | number;
  claim(key: string, owner: string, ttlMs: number): Promise<boolean> | boolean;
}

/**
 * The check half of an all-or-nothing reservation, shared by the backends that run it in JavaScript: the first
 * counter whose current value (`used`, in the order of `windows`) is at its limit refuses them all.
 */
export function refusalOf(
  windows: readonly CounterWindow[],
  used: readonly number[],
): Extract<ReserveAllResult, { ok: false }> | undefined {
  const refused = windows.findIndex((window, index) => (used[index] ?? 0) >= window.limit);
  return refused < 0 ? undefined : { ok: false, refused, used: used[refused] ?? 0 };
}

export interface KeyvStoreParts {
  backend: StoreBackend;
  /** The store's own prefix; keyv applies it to values, this module to counter and claim keys. */
  namespace: string;
  keyv: Keyv;
  atomic: AtomicOperations;
  logger: StoreLogger;
  /** Never shown in a message or a log line (a Redis password). */
  secrets?: readonly string[];
  /** Releases the backend's connections; called once. */
  close(): Promise<void>;
}

/**
 * Key layout shared by the backends. Values, counters and claims live in separate key spaces so that a
 * namespace called `reserve` can never collide with a quota counter. Keyv adds the store prefix to values;
 * counters and claims get it here (`imagine-bot::reserve:<key>`, the separator @keyv/redis uses).
 */
export const storeKeys = {
  value: (namespace: string, key: string): string => `value:${namespace}:${key}`,
  counter: (prefix: string, key: string): string => `${prefix}::reserve:${key}`,
  claim: (prefix: string, key: string): string => `${prefix}::claim:${key}`,
};

/** Whole milliseconds, at least 1: a TTL of 0 would mean "forever" to keyv and Redis. */
export function normaliseTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs)) {
    throw new ImagineError(
      'invalid_request',
      `A store TTL must be a finite number of milliseconds (got ${ttlMs}).`,
    );
  }
  return Math.max(1, Math.ceil(ttlMs));
}

export function errorText(error: unknown, secrets: readonly string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text, secrets);
}

/** The Store interface on top of a keyv instance plus a backend's atomic operations. */
export function createKeyvStore(parts: KeyvStoreParts): Store {
  const { backend, keyv, atomic, logger, namespace: prefix } = parts;
  const secrets = parts.secrets ?? [];
  let closed = false;

  function failure(operation: string, error: unknown): ImagineError {
    if (error instanceof ImagineError) return error;
    return new ImagineError(
      'upstream',
      `The ${backend} store could not ${operation}: ${errorText(error, secrets)}`,
      { retryable: true, cause: error },
    );
  }

  async function guarded<T>(operation: string, run: () => Promise<T> | T): Promise<T> {
    if (closed) throw new ImagineError('upstream', `The ${backend} store is closed; it cannot ${operation}.`);
    try {
      return await run();
    } catch (error) {
      throw failure(operation, error);
    }
  }

  async function get<T>(namespace: string, key: string): Promise<T | undefined> {
    if (closed) {
      logger.warn('store read after close', { backend, namespace, key });
      return undefined;
    }
    try {
      return await keyv.get<T>(storeKeys.value(namespace, key));
    } catch (error) {
      logger.warn('store read failed', { backend, namespace, key, error: errorText(error, secrets) });
      return undefined;
    }
  }

  function reserveAll(windows: readonly CounterWindow[], operation: string): Promise<ReserveAllResult> {
    const prefixed = windows.map((window) => ({
      key: storeKeys.counter(prefix, window.key),
      limit: Math.floor(window.limit),
      ttlMs: normaliseTtl(window.ttlMs),
    }));
    return guarded(operation, () => atomic.reserveAll(prefixed));
  }

  return {
    get,

    async getParsed<T>(namespace: string, key: string, schema: ZodType<T>): Promise<T | undefined> {
      const value = await get<unknown>(namespace, key);
      if (value === undefined) return undefined;
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      // Old data after an upgrade: treat as absent so the caller starts afresh.
      logger.info('stored value no longer matches its schema', { backend, namespace, key });
      return undefined;
    },

    async set<T>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void> {
      const ttl = ttlMs === undefined ? undefined : normaliseTtl(ttlMs);
      await guarded('save a value', async () => {
        await keyv.set(storeKeys.value(namespace, key), value, ttl);
      });
    },

    async delete(namespace: string, key: string): Promise<void> {
      await guarded('delete a value', async () => {
        await keyv.delete(storeKeys.value(namespace, key));
      });
    },

    async reserve(key: string, limit: number, ttlMs: number): Promise<ReserveResult> {
      const result = await reserveAll([{ key, limit, ttlMs }], 'reserve a slot');
      return result.ok ? { ok: true, used: result.used[0] ?? 0 } : { ok: false, used: result.used };
    },

    reserveAll: (windows) => reserveAll(windows, 'reserve slots'),

    async release(key: string): Promise<void> {
      await guarded('release a slot', () => atomic.release(storeKeys.counter(prefix, key)));
    },

    async count(key: string): Promise<number> {
      return guarded('read a counter', () => atomic.count(storeKeys.counter(prefix, key)));
    },

    async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
      const ttl = normaliseTtl(ttlMs);
      return guarded('claim a key', () => atomic.claim(storeKeys.claim(prefix, key), owner, ttl));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await parts.close();
    },
  };
}
