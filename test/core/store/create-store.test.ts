import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImagineError } from '../../../src/core/errors.js';
import { createStore } from '../../../src/core/store/index.js';
import { recordingLogger } from './store-behaviour.js';

async function failure(promise: Promise<unknown>): Promise<ImagineError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof ImagineError)) throw new Error(`expected an ImagineError, got ${String(error)}`);
  return error;
}

describe('createStore', () => {
  it('names the accepted schemes for an unknown one', async () => {
    const error = await failure(createStore('ftp://files.example/store'));
    expect(error.code).toBe('config');
    expect(error.message).toBe('STORE_URL must start with sqlite://, memory:// or redis:// (got "ftp:").');
  });

  it('says so when the value has no scheme at all', async () => {
    const error = await failure(createStore('data/imagine-bot.sqlite'));
    expect(error.message).toBe('STORE_URL must start with sqlite://, memory:// or redis:// (got no scheme).');
  });

  it('asks for a path when sqlite:// has none', async () => {
    const error = await failure(createStore('sqlite://'));
    expect(error.code).toBe('config');
    expect(error.message).toBe(
      'STORE_URL sqlite:// needs a file path, e.g. sqlite://data/imagine-bot.sqlite or sqlite://:memory:.',
    );
  });

  it('rejects a malformed Redis URL without echoing its password', async () => {
    const error = await failure(createStore('redis://admin:hunter2-secret@cache:notaport/0'));
    expect(error.code).toBe('config');
    expect(error.message).toBe('STORE_URL is not a valid Redis URL: expected redis://host:port[/db].');
  });

  it('reports an unreachable Redis with host and port but never the password', async () => {
    const logger = recordingLogger();
    const error = await failure(
      createStore('redis://admin:hunter2-secret@127.0.0.1:1/2', { connectTimeoutMs: 2000, logger }),
    );
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'Could not connect to the Redis store at redis://127.0.0.1:1/2: connect ECONNREFUSED 127.0.0.1:1.',
    );
    expect(logger.lines[0]).toEqual({
      level: 'warn',
      message: 'redis store connection error',
      fields: { url: 'redis://127.0.0.1:1/2', error: 'connect ECONNREFUSED 127.0.0.1:1' },
    });
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');
  });

  it('opens memory:// and sqlite://:memory: stores that work', async () => {
    for (const url of ['memory://', 'sqlite://:memory:', ' MEMORY:// ']) {
      const store = await createStore(url);
      await store.set('settings', 'guild', { model: 'qwen' });
      expect(await store.get('settings', 'guild')).toEqual({ model: 'qwen' });
      await store.close();
    }
  });

  it('keeps the values and counters of two namespaces on one file apart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'imagine-bot-namespaces-'));
    const url = `sqlite://${join(directory, 'shared.sqlite')}`;
    const first = await createStore(url, { namespace: 'bot-a' });
    const second = await createStore(url, { namespace: 'bot-b' });
    try {
      await first.set('jobs', 'job-1', { owner: 'a' });
      expect(await second.get('jobs', 'job-1')).toBeUndefined();
      expect(await first.reserve('daily', 1, 60_000)).toEqual({ ok: true, used: 1 });
      expect(await second.reserve('daily', 1, 60_000)).toEqual({ ok: true, used: 1 });
      expect(await first.claim('event', 'a', 60_000)).toBe(true);
      expect(await second.claim('event', 'b', 60_000)).toBe(true);
    } finally {
      await first.close();
      await second.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
