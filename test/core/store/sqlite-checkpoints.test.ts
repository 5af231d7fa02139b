import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { createStore } from '../../../src/core/store/index.js';
import { openSqliteDatabase } from '../../../src/core/store/sqlite-backend.js';
import { startCheckpointWorker } from '../../../src/core/store/sqlite-checkpoints.js';
import { eventually, recordingLogger } from './store-behaviour.js';

const directory = mkdtempSync(join(tmpdir(), 'imagine-bot-checkpoints-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const fileSize = (file: string) => async () => statSync(file).size;

it("copies the WAL into the database file from a worker, while the store's own commits never checkpoint", async () => {
  const file = join(directory, 'worker.sqlite');
  const store = await createStore(`sqlite://${file}`, { logger: recordingLogger() });
  try {
    // 400 KB in a few hundred WAL pages: below the 1,000 at which a commit would checkpoint by itself.
    const value = 'x'.repeat(4000);
    for (let index = 0; index < 100; index += 1) await store.set('bulk', `key-${index}`, value);
    await eventually(fileSize(file), (size) => size > 400_000);
    expect(await store.get('bulk', 'key-99')).toBe(value);
  } finally {
    await store.close();
  }
  // Closed: the worker's connection is gone too, so this one is the only one and can take the file whole.
  const reopened = new Database(file);
  try {
    expect(reopened.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
  } finally {
    reopened.close();
  }
});

it('gives checkpoints back to the main connection when the worker cannot open the file', async () => {
  const database = openSqliteDatabase(join(directory, 'fallback.sqlite'));
  const logger = recordingLogger();
  // The worker opens whatever `name` says: a folder that does not exist makes it fail.
  const misnamed = new Proxy(database, {
    get: (target, property) => {
      if (property === 'name') return join(directory, 'missing', 'folder', 'fallback.sqlite');
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const worker = startCheckpointWorker(misnamed, { logger });
  try {
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await eventually(
      async () => logger.lines.map((line) => line.message),
      (messages) => messages.includes('SQLite checkpoints are back on the main thread'),
    );
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  } finally {
    await worker.stop();
    database.close();
  }
});
