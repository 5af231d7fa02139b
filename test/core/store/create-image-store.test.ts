import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImagineError } from '../../../src/core/errors.js';
import { createImageStore, sha256Hex } from '../../../src/core/store/index.js';
import { recordingLogger } from './store-behaviour.js';

async function failure(promise: Promise<unknown>): Promise<ImagineError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof ImagineError)) throw new Error(`expected an ImagineError, got ${String(error)}`);
  return error;
}

describe('createImageStore', () => {
  it.each([
    [
      'gs://bucket',
      'IMAGE_STORE_URL must start with file://, memory://, redis://, rediss:// or s3:// (got "gs:").',
    ],
    [
      'data/images',
      'IMAGE_STORE_URL must start with file://, memory://, redis://, rediss:// or s3:// (got no scheme).',
    ],
    ['s3://', 'IMAGE_STORE_URL s3:// needs a bucket, e.g. s3://my-images?region=eu-west-1.'],
    [
      's3://images?endpoint=minio:9000',
      'IMAGE_STORE_URL endpoint must be an http:// or https:// URL, e.g. endpoint=http://minio:9000.',
    ],
    [
      'file://',
      'IMAGE_STORE_URL file:// needs a folder, e.g. file://data/images or file:///var/lib/imagine-bot/images.',
    ],
    [
      'redis://admin:hunter2-secret@cache:notaport/0',
      'IMAGE_STORE_URL is not a valid Redis URL: expected redis://host:port[/db].',
    ],
  ])('refuses %s with one line naming the variable', async (url, message) => {
    const error = await failure(createImageStore(url));
    expect(error.code).toBe('config');
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('hunter2');
  });

  it('reports an unreachable Redis with host and port but never the password', async () => {
    const logger = recordingLogger();
    const error = await failure(
      createImageStore('redis://admin:hunter2-secret@127.0.0.1:1/2', { connectTimeoutMs: 2000, logger }),
    );
    expect(error.code).toBe('network');
    expect(error.message).toBe(
      'Could not connect to the Redis image store at redis://127.0.0.1:1/2: connect ECONNREFUSED 127.0.0.1:1.',
    );
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');
  });

  it('opens file://PATH as a folder, absolute with file:///', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'imagine-bot-images-'));
    try {
      const store = await createImageStore(`file://${directory}`);
      const bytes = Buffer.from([1, 2, 3]);
      await store.put(sha256Hex(bytes), bytes, 60_000);
      expect(await readdir(directory)).toEqual([sha256Hex(bytes).slice(0, 2)]);
      await store.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
