import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { z } from 'zod';

export interface SqliteKeyvAdapterOptions {
  /** Table for the values; created when missing. Default `keyv`. */
  table?: string;
  /** How often `set` also deletes expired rows nobody read again. Default one minute. */
  purgeIntervalMs?: number;
  now?: () => number;
}

const rowSchema = z.object({ value: z.string(), expires: z.number().nullable() });
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A keyv 5 storage adapter on better-sqlite3 (the official @keyv/sqlite needs the `sqlite3` package).
 * Keyv hands it serialised strings and already-prefixed keys (`namespace:key`); `namespace` only scopes
 * `clear()`. TTLs are in milliseconds; expired rows read as misses and are purged now and then.
 * `disconnect()` closes the database it was given.
 */
export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; table: string };
  namespace?: string | undefined;
  private readonly database: BetterSqlite3.Database;
  private readonly now: () => number;
  private readonly purgeIntervalMs: number;
  private lastPurge = 0;
  private readonly statements: {
    select: BetterSqlite3.Statement<[string]>;
    upsert: BetterSqlite3.Statement<[string, string, number | null]>;
    remove: BetterSqlite3.Statement<[string]>;
    removeIfExpired: BetterSqlite3.Statement<[string, number]>;
    removeExpired: BetterSqlite3.Statement<[number]>;
    removeAll: BetterSqlite3.Statement<[]>;
    removePrefixed: BetterSqlite3.Statement<[number, string]>;
  };

  constructor(database: BetterSqlite3.Database, options: SqliteKeyvAdapterOptions = {}) {
    super();
    const table = options.table ?? 'keyv';
    if (!identifierPattern.test(table)) throw new Error(`Invalid SQLite table name "${table}".`);
    this.opts = { dialect: 'sqlite', table };
    this.database = database;
    this.now = options.now ?? Date.now;
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
    database.exec(
      `CREATE TABLE IF NOT EXISTS "${table}" (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER);
       CREATE INDEX IF NOT EXISTS "${table}_expires" ON "${table}" (expires) WHERE expires IS NOT NULL;`,
    );
    this.statements = {
      select: database.prepare(`SELECT value, expires FROM "${table}" WHERE key = ?`),
      upsert: database.prepare(
        `INSERT INTO "${table}" (key, value, expires) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
      ),
      remove: database.prepare(`DELETE FROM "${table}" WHERE key = ?`),
      // Only if still expired: another process may have written the key since we read it.
      removeIfExpired: database.prepare(`DELETE FROM "${table}" WHERE key = ? AND expires <= ?`),
      removeExpired: database.prepare(`DELETE FROM "${table}" WHERE expires IS NOT NULL AND expires <= ?`),
      removeAll: database.prepare(`DELETE FROM "${table}"`),
      removePrefixed: database.prepare(`DELETE FROM "${table}" WHERE substr(key, 1, ?) = ?`),
    };
  }

  // Keyv's contract passes serialised strings both ways but types `get` generically; the overload states it.
  get<Value>(key: string): Promise<StoredData<Value> | undefined>;
  async get(key: string): Promise<unknown> {
    const row = this.readRow(key);
    return row?.value;
  }

  async has(key: string): Promise<boolean> {
    return this.readRow(key) !== undefined;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    const serialised = typeof value === 'string' ? value : JSON.stringify(value);
    const now = this.now();
    const expires = typeof ttl === 'number' && ttl > 0 ? now + ttl : null;
    this.statements.upsert.run(key, serialised, expires);
    if (now - this.lastPurge >= this.purgeIntervalMs) {
      this.lastPurge = now;
      this.statements.removeExpired.run(now);
    }
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.remove.run(key).changes > 0;
  }

  async clear(): Promise<void> {
    if (this.namespace === undefined || this.namespace === '') {
      this.statements.removeAll.run();
      return;
    }
    const prefix = `${this.namespace}:`;
    this.statements.removePrefixed.run(prefix.length, prefix);
  }

  async disconnect(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  private readRow(key: string): z.infer<typeof rowSchema> | undefined {
    const raw = this.statements.select.get(key);
    if (raw === undefined) return undefined;
    const row = rowSchema.parse(raw);
    const now = this.now();
    if (row.expires !== null && row.expires <= now) {
      this.statements.removeIfExpired.run(key, now);
      return undefined;
    }
    return row;
  }
}
