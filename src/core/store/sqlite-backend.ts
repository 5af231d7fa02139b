import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Keyv } from 'keyv';
import { z } from 'zod';
import { ImagineError } from '../errors.js';
import { type AtomicOperations, createKeyvStore, errorText, refusalOf } from './keyv-store.js';
import { SqliteKeyvAdapter } from './sqlite-adapter.js';
import { type CheckpointWorker, startCheckpointWorker } from './sqlite-checkpoints.js';
import type { CounterWindow, ReserveAllResult, Store, StoreLogger } from './store.js';
import { keyvValueCodec } from './value-codec.js';

export interface SqliteStoreOptions {
  namespace: string;
  logger: StoreLogger;
  /** How long a write waits for another process's lock before failing. Default 5 s. */
  busyTimeoutMs?: number;
}

const counterRow = z.object({ used: z.number().int(), expires: z.number() });
const countRow = z.object({ used: z.number().int() });
const purgeIntervalMs = 60_000;

/**
 * Switching to WAL needs a lock that SQLite may refuse at once (without the busy handler) while another process
 * opens the same file: retry a few times, start-up only.
 */
function switchToWal(database: Database.Database): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt += 1) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_BUSY');
      if (!busy || attempt >= 20) throw error;
      Atomics.wait(pause, 0, 0, 50);
    }
  }
}

/** `:memory:` as is; any other path relative to the working directory, its folder created. */
export function openSqliteDatabase(location: string, busyTimeoutMs = 5000): Database.Database {
  const path = location === ':memory:' ? location : resolve(location);
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path, { timeout: busyTimeoutMs });
    // WAL lets readers run beside one writer; busy_timeout makes a second process wait instead of failing.
    switchToWal(database);
    database.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    database.pragma('synchronous = NORMAL');
    return database;
  } catch (error) {
    throw new ImagineError(
      'config',
      `Could not open the SQLite store at "${path}": ${errorText(error, [])}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Counters and claims in their own tables. Each read-then-write runs in a `BEGIN IMMEDIATE` transaction,
 * which takes the file's write lock first, so two processes on one file cannot interleave.
 */
export function createSqliteAtomicOperations(database: Database.Database): AtomicOperations {
  database.exec(
    `CREATE TABLE IF NOT EXISTS store_counters (key TEXT PRIMARY KEY, used INTEGER NOT NULL, expires INTEGER NOT NULL);
     CREATE TABLE IF NOT EXISTS store_claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires INTEGER NOT NULL);`,
  );
  const selectCounter = database.prepare<[string]>('SELECT used, expires FROM store_counters WHERE key = ?');
  const startCounter = database.prepare<[string, number]>(
    `INSERT INTO store_counters (key, used, expires) VALUES (?, 1, ?)
     ON CONFLICT(key) DO UPDATE SET used = 1, expires = excluded.expires`,
  );
  const incrementCounter = database.prepare<[string]>(
    'UPDATE store_counters SET used = used + 1 WHERE key = ?',
  );
  const decrementCounter = database.prepare<[string, number]>(
    'UPDATE store_counters SET used = used - 1 WHERE key = ? AND used > 0 AND expires > ?',
  );
  const selectLiveCount = database.prepare<[string, number]>(
    'SELECT used FROM store_counters WHERE key = ? AND expires > ?',
  );
  // One statement, so atomic on its own: it takes a key that is free or whose claim has expired.
  const takeClaim = database.prepare<[string, string, number, number]>(
    `INSERT INTO store_claims (key, owner, expires) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, expires = excluded.expires
     WHERE store_claims.expires <= ?`,
  );
  const purgeCounters = database.prepare<[number]>('DELETE FROM store_counters WHERE expires <= ?');
  const purgeClaims = database.prepare<[number]>('DELETE FROM store_claims WHERE expires <= ?');
  let lastPurge = 0;
  // Claims asked in one turn of the event loop are taken in one transaction: one commit for a burst's claims.
  type PendingClaim = {
    key: string;
    owner: string;
    ttlMs: number;
    resolve(taken: boolean): void;
    reject(error: unknown): void;
  };
  let pendingClaims: PendingClaim[] = [];
  const claimTransaction = database.transaction((claims: readonly PendingClaim[]): boolean[] => {
    const now = Date.now();
    return claims.map((claim) => takeClaim.run(claim.key, claim.owner, now + claim.ttlMs, now).changes === 1);
  });
  function takePendingClaims(): void {
    const claims = pendingClaims;
    pendingClaims = [];
    let taken: boolean[];
    try {
      purgeNowAndThen();
      taken = claimTransaction.immediate(claims);
    } catch (error) {
      for (const claim of claims) claim.reject(error);
      return;
    }
    for (const [index, claim] of claims.entries()) claim.resolve(taken[index] === true);
  }

  // Read the clock inside the transaction: only then is it after every other process's last write.
  const reserveTransaction = database.transaction((windows: readonly CounterWindow[]): ReserveAllResult => {
    const now = Date.now();
    const live = windows.map((window) => {
      const raw = selectCounter.get(window.key);
      const row = raw === undefined ? undefined : counterRow.parse(raw);
      return row !== undefined && row.expires > now ? row : undefined;
    });
    const refusal = refusalOf(
      windows,
      live.map((row) => row?.used ?? 0),
    );
    if (refusal !== undefined) return refusal;
    const used = windows.map((window, index) => {
      const row = live[index];
      if (row === undefined) startCounter.run(window.key, now + window.ttlMs);
      else incrementCounter.run(window.key);
      return (row?.used ?? 0) + 1;
    });
    return { ok: true, used };
  });

  function purgeNowAndThen(): void {
    const now = Date.now();
    if (now - lastPurge < purgeIntervalMs) return;
    lastPurge = now;
    purgeCounters.run(now);
    purgeClaims.run(now);
  }

  return {
    reserveAll(windows: readonly CounterWindow[]): ReserveAllResult {
      purgeNowAndThen();
      return reserveTransaction.immediate(windows);
    },
    release(key: string): void {
      decrementCounter.run(key, Date.now());
    },
    count(key: string): number {
      const raw = selectLiveCount.get(key, Date.now());
      return raw === undefined ? 0 : countRow.parse(raw).used;
    },
    claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
      return new Promise((resolve, reject) => {
        if (pendingClaims.length === 0) setImmediate(takePendingClaims);
        pendingClaims.push({ key, owner, ttlMs, resolve, reject });
      });
    },
  };
}

export function openSqliteStore(location: string, options: SqliteStoreOptions): Store {
  const database = openSqliteDatabase(location, options.busyTimeoutMs);
  let checkpoints: CheckpointWorker | undefined;
  try {
    const adapter = new SqliteKeyvAdapter(database, { table: 'store_values' });
    const keyv = new Keyv(adapter, { namespace: options.namespace, throwOnErrors: true, ...keyvValueCodec });
    const atomic = createSqliteAtomicOperations(database);
    if (!database.memory) {
      checkpoints = startCheckpointWorker(database, { logger: options.logger });
    }
    return createKeyvStore({
      backend: 'sqlite',
      namespace: options.namespace,
      keyv,
      atomic,
      logger: options.logger,
      close: async () => {
        await checkpoints?.stop();
        await adapter.disconnect();
      },
    });
  } catch (error) {
    void checkpoints?.stop();
    database.close();
    throw new ImagineError('config', `Could not prepare the SQLite store: ${errorText(error, [])}`, {
      cause: error,
    });
  }
}
