import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagineError } from '../../../src/core/errors.js';
import { createImageStore, sha256Hex } from '../../../src/core/store/index.js';
import { openS3ImageStore, parseS3Url, type S3ImageStore } from '../../../src/core/store/s3-image-store.js';
import { type LocalS3, s3Credentials, startLocalS3 } from '../../support/s3-server.js';
import { describeImageStoreBehaviour, imageBytes } from './image-store-behaviour.js';
import { recordingLogger } from './store-behaviour.js';

const local: LocalS3 = await startLocalS3();
afterAll(() => local.close());

let now = Date.now();
describeImageStoreBehaviour('s3', {
  open: () =>
    createImageStore(local.url('contract'), {
      credentials: s3Credentials,
      now: () => now,
      sweepIntervalMs: 0,
      logger: recordingLogger(),
    }),
  pass: (ms) => {
    now += ms;
  },
});

describe('s3 image store on an S3-compatible server', () => {
  const clock = { now: Date.now() };
  const logger = recordingLogger();
  let store: S3ImageStore;
  beforeAll(async () => {
    store = await openS3ImageStore(parseS3Url(local.url('on-server')), {
      credentials: s3Credentials,
      logger,
      now: () => clock.now,
      sweepIntervalMs: 0,
    });
  });
  afterAll(() => store.close());

  it('writes one object per image, named by its sha256 under the prefix, its expiry in the metadata', async () => {
    const bytes = imageBytes(200_000);
    const hash = sha256Hex(bytes);
    await store.put(hash, bytes, 90_000);
    await store.put(hash, bytes, 90_000);
    expect(await local.objects('on-server/')).toEqual([
      { key: `on-server/${hash}`, bytes, metadata: { 'expires-at': String(clock.now + 90_000) } },
    ]);
  });

  it('moves the expiry of an image under a prefix that needs escaping, without a second upload', async () => {
    const escaped = await openS3ImageStore(parseS3Url(local.url('bot pictures/été')), {
      credentials: s3Credentials,
      logger,
      now: () => clock.now,
      sweepIntervalMs: 0,
    });
    const bytes = imageBytes(5000);
    const hash = sha256Hex(bytes);
    await escaped.put(hash, bytes, 1000);
    await escaped.put(hash, Buffer.from('not the image'), 60_000);
    expect(await local.objects('bot pictures/été/')).toEqual([
      { key: `bot pictures/été/${hash}`, bytes, metadata: { 'expires-at': String(clock.now + 60_000) } },
    ]);
    await escaped.close();
  });

  it('puts images under images/ when the URL has no path', () => {
    expect(parseS3Url('s3://bucket?region=eu-west-1')).toEqual({
      bucket: 'bucket',
      prefix: 'images/',
      region: 'eu-west-1',
    });
    expect(parseS3Url('s3://bucket/bot/pictures/?endpoint=http://minio:9000')).toEqual({
      bucket: 'bucket',
      prefix: 'bot/pictures/',
      endpoint: 'http://minio:9000',
    });
  });

  it('answers undefined for a missing object, a bad hash or an expired one, without a warning', async () => {
    expect(await store.get(sha256Hex(Buffer.from('never stored')))).toBeUndefined();
    expect(await store.get('../escape')).toBeUndefined();
    const bytes = imageBytes(1000);
    await store.put(sha256Hex(bytes), bytes, 1000);
    clock.now += 1000;
    expect(await store.get(sha256Hex(bytes))).toBeUndefined();
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('sweeps the objects whose expiry has passed and keeps the rest', async () => {
    const prefix = 'sweep';
    const sweeper = await openS3ImageStore(parseS3Url(local.url(prefix)), {
      credentials: s3Credentials,
      logger,
      now: () => clock.now,
      sweepIntervalMs: 0,
    });
    const stale = imageBytes(100);
    const fresh = imageBytes(100);
    await sweeper.put(sha256Hex(stale), stale, 1000);
    await sweeper.put(sha256Hex(fresh), fresh, 60_000);
    clock.now += 2000;
    expect(await sweeper.sweep()).toBe(1);
    expect((await local.objects(`${prefix}/`)).map((object) => object.key)).toEqual([
      `${prefix}/${sha256Hex(fresh)}`,
    ]);
    expect((await sweeper.get(sha256Hex(fresh)))?.equals(fresh)).toBe(true);
    await sweeper.close();
  });

  it('refuses a hash that is not sha256 hex with a typed error', async () => {
    await expect(store.put('../../escape', Buffer.from('x'), 1000)).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('fails a save with a retryable upstream error once the server is gone, and a read with undefined', async () => {
    const gone = await startLocalS3('short-lived');
    const lonely = await openS3ImageStore(parseS3Url(gone.url()), {
      credentials: s3Credentials,
      logger,
      sweepIntervalMs: 0,
    });
    await gone.close();
    const bytes = imageBytes(100);
    const error = await lonely.put(sha256Hex(bytes), bytes, 1000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImagineError);
    expect(error).toMatchObject({ code: 'upstream', retryable: true });
    expect((error as ImagineError).message).toMatch(/^The S3 image store could not save an image: /);
    expect(await lonely.get(sha256Hex(bytes))).toBeUndefined();
    await lonely.close();
  });
});

describe('opening an s3:// image store', () => {
  it('names a missing bucket as a config error', async () => {
    const error = await createImageStore(`s3://missing-bucket?endpoint=${local.endpoint}&region=us-east-1`, {
      credentials: s3Credentials,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'config',
      message: `The S3 image store's bucket does not exist: ${local.endpoint}/missing-bucket/images/.`,
    });
  });

  it('reports wrong credentials as an auth error and never echoes the secret', async () => {
    const error = await createImageStore(local.url(), {
      credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'hunter2-secret' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImagineError);
    expect((error as ImagineError).code).toBe('auth');
    expect((error as ImagineError).message).not.toContain('hunter2');
  });

  it('reports an unreachable endpoint as a network error', async () => {
    const error = await createImageStore('s3://images?endpoint=http://127.0.0.1:1&region=us-east-1', {
      credentials: s3Credentials,
      connectTimeoutMs: 2000,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'network', retryable: true });
    expect((error as ImagineError).message).toMatch(
      /^Could not reach the S3 image store at http:\/\/127\.0\.0\.1:1\/images\/images\/: /,
    );
  });
});
