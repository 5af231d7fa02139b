import Database from 'better-sqlite3';
import { Keyv } from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteKeyvAdapter } from '../../../src/core/store/index.js';
import { eventually } from './store-behaviour.js';

describe('SqliteKeyvAdapter under keyv 5', () => {
  const databases: Database.Database[] = [];
  const openDatabase = () => {
    const database = new Database(':memory:');
    databases.push(database);
    return database;
  };
  afterEach(() => {
    for (const database of databases.splice(0)) if (database.open) database.close();
  });

  it('stores what keyv serialises under namespace-prefixed keys', async () => {
    const database = openDatabase();
    const keyv = new Keyv(new SqliteKeyvAdapter(database), { namespace: 'jobs', throwOnErrors: true });
    await keyv.set('job-1', { prompt: ':starts with a colon', sizes: [1024, null] });
    expect(await keyv.get('job-1')).toEqual({ prompt: ':starts with a colon', sizes: [1024, null] });
    expect(database.prepare('SELECT key, value, expires FROM keyv').all()).toEqual([
      {
        key: 'jobs:job-1',
        value: '{"value":{"prompt":"::starts with a colon","sizes":[1024,null]}}',
        expires: null,
      },
    ]);
  });

  it('round-trips a Buffer byte for byte', async () => {
    const keyv = new Keyv(new SqliteKeyvAdapter(openDatabase()), { throwOnErrors: true });
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x00, 0x7f, 0x80]);
    await keyv.set('bytes', bytes);
    const read: unknown = await keyv.get('bytes');
    expect(Buffer.isBuffer(read) && read.equals(bytes)).toBe(true);
  });

  it('expires a value after its TTL and deletes the row', async () => {
    const database = openDatabase();
    const keyv = new Keyv(new SqliteKeyvAdapter(database), { namespace: 'quick', throwOnErrors: true });
    await keyv.set('gone', 'soon', 80);
    expect(await keyv.get('gone')).toBe('soon');
    await eventually(
      () => keyv.get('gone'),
      (value) => value === undefined,
    );
    expect(database.prepare('SELECT count(*) AS rows FROM keyv').get()).toEqual({ rows: 0 });
  });

  it('deletes one key, clears only its own namespace and knows what it has', async () => {
    const database = openDatabase();
    const first = new Keyv(new SqliteKeyvAdapter(database), { namespace: 'first', throwOnErrors: true });
    const second = new Keyv(new SqliteKeyvAdapter(database), { namespace: 'second', throwOnErrors: true });
    await first.set('shared-key', 1);
    await first.set('other', 2);
    await second.set('shared-key', 3);
    expect(await first.has('shared-key')).toBe(true);
    expect(await first.delete('other')).toBe(true);
    expect(await first.delete('other')).toBe(false);
    await first.clear();
    expect(await first.get('shared-key')).toBeUndefined();
    expect(await second.get('shared-key')).toBe(3);
  });

  it('purges expired rows nobody reads again when writing', async () => {
    const database = openDatabase();
    let now = 1_000_000;
    const adapter = new SqliteKeyvAdapter(database, {
      table: 'values_table',
      purgeIntervalMs: 1000,
      now: () => now,
    });
    await adapter.set('old', '"a"', 10);
    now += 2000;
    await adapter.set('new', '"b"');
    expect(database.prepare('SELECT key FROM values_table').all()).toEqual([{ key: 'new' }]);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => new SqliteKeyvAdapter(openDatabase(), { table: 'x"; DROP TABLE y; --' })).toThrow(
      'Invalid SQLite table name',
    );
  });

  it('closes its database on disconnect', async () => {
    const database = openDatabase();
    const keyv = new Keyv(new SqliteKeyvAdapter(database));
    await keyv.disconnect();
    expect(database.open).toBe(false);
  });
});
