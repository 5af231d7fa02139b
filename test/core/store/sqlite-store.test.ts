import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ImagineError } from '../../../src/core/errors.js';
import { createStore } from '../../../src/core/store/index.js';
import { describeStoreBehaviour, recordingLogger } from './store-behaviour.js';

const directory = mkdtempSync(join(tmpdir(), 'imagine-bot-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const sharedFile = join(directory, 'shared.sqlite');
const openShared = () => createStore(`sqlite://${sharedFile}`, { logger: recordingLogger() });

describeStoreBehaviour('sqlite:// (file)', {
  open: openShared,
  openPair: async () => [await openShared(), await openShared()],
});

describeStoreBehaviour('sqlite://:memory:', {
  open: () => createStore('sqlite://:memory:', { logger: recordingLogger() }),
  openPair: async () => {
    const store = await createStore('sqlite://:memory:', { logger: recordingLogger() });
    return [store, store];
  },
});

describe('sqlite store on a file', () => {
  it('is seen whole by a store opened on the same file after a restart', async () => {
    const file = join(directory, 'restart.sqlite');
    const before = await createStore(`sqlite://${file}`);
    await before.set('threads', 'C1:1700000000.000100', { turns: [{ prompt: 'a cat', imageHash: 'ab' }] });
    await before.reserve('daily:U1', 5, 60_000);
    await before.claim('job:42', 'instance-a', 60_000);
    await before.close();

    const after = await createStore(`sqlite://${file}`);
    try {
      expect(await after.get('threads', 'C1:1700000000.000100')).toEqual({
        turns: [{ prompt: 'a cat', imageHash: 'ab' }],
      });
      expect(await after.reserve('daily:U1', 5, 60_000)).toEqual({ ok: true, used: 2 });
      expect(await after.claim('job:42', 'instance-b', 60_000)).toBe(false);
    } finally {
      await after.close();
    }
  });

  it('resolves a relative path against the working directory and creates its folder', async () => {
    const file = join(directory, 'nested', 'deeper', 'relative.sqlite');
    const store = await createStore(`sqlite://${relative(process.cwd(), file)}`);
    try {
      await store.set('settings', 'guild', { model: 'gemini' });
      expect(existsSync(file)).toBe(true);
    } finally {
      await store.close();
    }
    const database = new Database(file, { readonly: true });
    try {
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      database.close();
    }
  });

  it('logs a failing read and answers undefined; a failing write throws a retryable ImagineError', async () => {
    const file = join(directory, 'broken.sqlite');
    const logger = recordingLogger();
    const store = await createStore(`sqlite://${file}`, { logger });
    try {
      await store.set('jobs', 'job-1', { id: 'job-1' });
      const intruder = new Database(file);
      intruder.exec('DROP TABLE store_values');
      intruder.close();

      expect(await store.get('jobs', 'job-1')).toBeUndefined();
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: 'store read failed',
          fields: {
            backend: 'sqlite',
            namespace: 'jobs',
            key: 'job-1',
            error: 'no such table: store_values',
          },
        },
      ]);
      const failure = await store.set('jobs', 'job-1', { id: 'job-1' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ImagineError);
      expect(failure).toMatchObject({
        code: 'upstream',
        retryable: true,
        message: 'The sqlite store could not save a value: no such table: store_values',
      });
    } finally {
      await store.close();
    }
  });

  it('gives exactly 3 slots and one claim to two processes racing on one file', async () => {
    const file = join(directory, 'processes.sqlite');
    const key = randomUUID();
    const children = [startChild(file, key), startChild(file, key)];
    await Promise.all(children.map((child) => child.ready));
    const startAt = Date.now() + 200;
    for (const child of children) child.process.stdin.end(`${startAt}\n`);
    const results = await Promise.all(children.map((child) => child.result));
    expect(results.reduce((total, result) => total + result.reserved, 0)).toBe(3);
    expect(results.reduce((total, result) => total + result.claimed, 0)).toBe(1);
    expect(results.map((result) => result.counted)).toEqual([200, 200]);
    const store = await createStore(`sqlite://${file}`, { namespace: 'race' });
    try {
      expect(await store.reserve(`${key}:count`, 1000, 60_000)).toEqual({ ok: true, used: 401 });
    } finally {
      await store.close();
    }
  });
});

const childScript = fileURLToPath(new URL('./fixtures/race-child.ts', import.meta.url));

interface Child {
  process: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  result: Promise<{ reserved: number; claimed: number; counted: number }>;
}

function startChild(file: string, key: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, file, key]);
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`child exited before ready: ${errors}`)));
  });
  const result = new Promise<{ reserved: number; claimed: number; counted: number }>((resolve, reject) => {
    child.on('exit', (code) => {
      const line = output.split('\n')[1] ?? '';
      if (code !== 0 || line === '') reject(new Error(`child failed (${code}): ${errors}`));
      else resolve(JSON.parse(line));
    });
  });
  return { process: child, ready, result };
}
