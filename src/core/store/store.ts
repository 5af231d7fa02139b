import type { ZodType } from 'zod';
import type { Logger } from '../logger.js';

export interface ReserveResult {
  /** True when a slot was taken; false when the counter was already at its limit. */
  ok: boolean;
  /** The counter after this call (unchanged when `ok` is false). */
  used: number;
}

/** One counter of an all-or-nothing reservation: a slot is taken only while `used` is below `limit`. */
export interface CounterWindow {
  key: string;
  limit: number;
  /** The counter expires this long after its first increment (a quota window), not after the latest. */
  ttlMs: number;
}

export type ReserveAllResult =
  /** A slot of every counter was taken; `used`: each counter after this call, in the order given. */
  | { ok: true; used: number[] }
  /** Nothing was taken: `refused` is the index of the first counter at its limit, `used` its value. */
  | { ok: false; refused: number; used: number };

/**
 * Everything the bot keeps between restarts and shares between instances: jobs, threads, settings, quotas,
 * event-dedupe marks, image blobs. Values are JSON-serialisable; a miss never throws.
 */
export interface Store {
  /** A miss, an expired entry or a backend error (logged) → undefined; never throws. */
  get<T>(namespace: string, key: string): Promise<T | undefined>;
  /** Like `get`, but undefined as well when the stored value no longer matches `schema` (old data). */
  getParsed<T>(namespace: string, key: string, schema: ZodType<T>): Promise<T | undefined>;
  /** `ttlMs` absent: kept until deleted. Throws ImagineError when the backend fails. */
  set<T>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  /**
   * Takes one slot of counter `key` only while it is below `limit`, atomically across processes. The counter
   * expires `ttlMs` after its first increment (a quota window), not after the latest.
   */
  reserve(key: string, limit: number, ttlMs: number): Promise<ReserveResult>;
  /**
   * Takes one slot of every counter or of none, atomically across processes: one store operation (one SQLite
   * transaction, one Redis script) however many counters. Counters as `reserve` keeps them.
   */
  reserveAll(windows: readonly CounterWindow[]): Promise<ReserveAllResult>;
  /** Gives one slot back (a refund); never below zero, keeps the window's expiry. */
  release(key: string): Promise<void>;
  /** The counter's current value; 0 when it is absent or its window has expired. */
  count(key: string): Promise<number>;
  /** Set-if-absent with a TTL: true for exactly one caller until the claim expires. */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export type StoreLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface StoreOptions {
  /** Prefix shared by every key this store writes; instances that share state use the same one. */
  namespace?: string;
  logger?: StoreLogger;
  /** Redis only: how long `createStore` waits for the first connection. Default 10 s. */
  connectTimeoutMs?: number;
}

export const defaultStoreNamespace = 'imagine-bot';
