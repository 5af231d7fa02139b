import { Keyv } from 'keyv';
import { type AtomicOperations, createKeyvStore, refusalOf } from './keyv-store.js';
import type { CounterWindow, ReserveAllResult, Store, StoreLogger } from './store.js';
import { keyvValueCodec } from './value-codec.js';

interface Counter {
  used: number;
  expiresAt: number;
}

interface Claim {
  owner: string;
  expiresAt: number;
}

/** Expired counters and claims nobody asks about again are swept this often (operations). */
const sweepEvery = 1000;

/**
 * One process only (tests, a single local bot). The atomic operations run synchronously, so nothing can
 * interleave between their read and their write.
 */
export function createMemoryAtomicOperations(now: () => number = Date.now): AtomicOperations {
  const counters = new Map<string, Counter>();
  const claims = new Map<string, Claim>();
  let operations = 0;

  function sweep(time: number): void {
    operations += 1;
    if (operations % sweepEvery !== 0) return;
    for (const [key, counter] of counters) if (counter.expiresAt <= time) counters.delete(key);
    for (const [key, claim] of claims) if (claim.expiresAt <= time) claims.delete(key);
  }

  function liveCounter(key: string, time: number): Counter | undefined {
    const counter = counters.get(key);
    if (counter === undefined || counter.expiresAt > time) return counter;
    counters.delete(key);
    return undefined;
  }

  return {
    reserveAll(windows: readonly CounterWindow[]): ReserveAllResult {
      const time = now();
      sweep(time);
      const live = windows.map((window) => liveCounter(window.key, time));
      const refusal = refusalOf(
        windows,
        live.map((counter) => counter?.used ?? 0),
      );
      if (refusal !== undefined) return refusal;
      const used = windows.map((window, index) => {
        const counter = live[index] ?? { used: 0, expiresAt: time + window.ttlMs };
        counter.used += 1;
        counters.set(window.key, counter);
        return counter.used;
      });
      return { ok: true, used };
    },

    release(key: string): void {
      const counter = liveCounter(key, now());
      if (counter !== undefined && counter.used > 0) counter.used -= 1;
    },

    count(key: string): number {
      return liveCounter(key, now())?.used ?? 0;
    },

    claim(key: string, owner: string, ttlMs: number): boolean {
      const time = now();
      sweep(time);
      const existing = claims.get(key);
      if (existing !== undefined && existing.expiresAt > time) return false;
      claims.set(key, { owner, expiresAt: time + ttlMs });
      return true;
    },
  };
}

export function createMemoryStore(options: { namespace: string; logger: StoreLogger }): Store {
  const keyv = new Keyv({ namespace: options.namespace, throwOnErrors: true, ...keyvValueCodec });
  return createKeyvStore({
    backend: 'memory',
    namespace: options.namespace,
    keyv,
    atomic: createMemoryAtomicOperations(),
    logger: options.logger,
    close: async () => {
      await keyv.clear();
    },
  });
}
