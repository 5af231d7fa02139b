import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ImagineError } from '../../../src/core/errors.js';
import {
  createImageBlobs,
  imageBlobNamespace,
  imageMetadataNamespace,
  type Store,
  type StoreLogger,
  sha256Hex,
} from '../../../src/core/store/index.js';
import { createMemoryImageStore } from '../../../src/core/store/memory-image-store.js';

export interface StoreHarness {
  /** A new client on the backend's shared state (a new connection to the same file or server). */
  open(): Promise<Store>;
  /** Two clients on one state; the same object twice where the backend cannot be shared (memory). */
  openPair(): Promise<[Store, Store]>;
}

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** Keeps test output clean and lets a test assert what an operator would have seen. */
export function recordingLogger(): StoreLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const record = (level: LoggedLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/** Polls until `accept` holds; never asserts how long it took. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const jobSchema = z.object({ id: z.string(), prompt: z.string(), count: z.number() });

/** The behaviour every backend must share; each test uses fresh random keys. */
export function describeStoreBehaviour(name: string, harness: StoreHarness): void {
  describe(`${name} store`, () => {
    const opened: Store[] = [];
    const open = async () => {
      const store = await harness.open();
      opened.push(store);
      return store;
    };
    const openPair = async () => {
      const pair = await harness.openPair();
      opened.push(...pair);
      return pair;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('returns a stored JSON value as it was written', async () => {
      const store = await open();
      const key = randomUUID();
      const job = {
        id: key,
        prompt: 'a red fox, :colon first, "quoted", ünïcödé 🦊',
        count: 2,
        nested: { sizes: ['1024x1024', null], seed: -7.5, done: false },
      };
      await store.set('jobs', key, job);
      expect(await store.get('jobs', key)).toEqual(job);
      await store.set('jobs', key, { ...job, count: 3 });
      expect(await store.get('jobs', key)).toEqual({ ...job, count: 3 });
    });

    it('answers undefined for a miss, a deleted key and another namespace', async () => {
      const store = await open();
      const key = randomUUID();
      expect(await store.get('jobs', key)).toBeUndefined();
      await store.set('jobs', key, { id: key });
      expect(await store.get('threads', key)).toBeUndefined();
      await store.delete('jobs', key);
      expect(await store.get('jobs', key)).toBeUndefined();
      await store.delete('jobs', key);
    });

    it('forgets a value once its TTL has passed, but keeps one without TTL', async () => {
      const store = await open();
      const key = randomUUID();
      await store.set('settings', key, { size: 'short-lived' }, 100);
      await store.set('settings', `${key}-kept`, { size: 'kept' });
      expect(await store.get('settings', key)).toEqual({ size: 'short-lived' });
      await eventually(
        () => store.get('settings', key),
        (value) => value === undefined,
      );
      expect(await store.get('settings', `${key}-kept`)).toEqual({ size: 'kept' });
    });

    it('parses with a schema and treats data that no longer matches as absent', async () => {
      const store = await open();
      const key = randomUUID();
      await store.set('jobs', key, { id: key, prompt: 'cat', count: 1 });
      expect(await store.getParsed('jobs', key, jobSchema)).toEqual({ id: key, prompt: 'cat', count: 1 });
      await store.set('jobs', key, { id: key, prompt: 'cat', count: 'one' });
      expect(await store.getParsed('jobs', key, jobSchema)).toBeUndefined();
      expect(await store.getParsed('jobs', randomUUID(), jobSchema)).toBeUndefined();
    });

    it('reserves slots up to the limit, refuses the next and takes a released one back', async () => {
      const store = await open();
      const key = `quota:${randomUUID()}`;
      expect(await store.reserve(key, 3, 60_000)).toEqual({ ok: true, used: 1 });
      expect(await store.reserve(key, 3, 60_000)).toEqual({ ok: true, used: 2 });
      expect(await store.reserve(key, 3, 60_000)).toEqual({ ok: true, used: 3 });
      expect(await store.reserve(key, 3, 60_000)).toEqual({ ok: false, used: 3 });
      await store.release(key);
      expect(await store.reserve(key, 3, 60_000)).toEqual({ ok: true, used: 3 });
      expect(await store.reserve(key, 0, 60_000)).toEqual({ ok: false, used: 3 });
    });

    it('takes a slot of every counter or of none, and says which counter refused', async () => {
      const store = await open();
      const [minute, day, channel] = ['minute', 'day', 'channel'].map((name) => `${name}:${randomUUID()}`);
      const windows = [
        { key: minute ?? '', limit: 5, ttlMs: 60_000 },
        { key: day ?? '', limit: 1, ttlMs: 60_000 },
        { key: channel ?? '', limit: 3, ttlMs: 60_000 },
      ];
      expect(await store.reserveAll(windows)).toEqual({ ok: true, used: [1, 1, 1] });
      expect(await store.reserveAll(windows)).toEqual({ ok: false, refused: 1, used: 1 });
      expect(await Promise.all(windows.map((window) => store.count(window.key)))).toEqual([1, 1, 1]);
      await store.release(day ?? '');
      expect(await store.reserveAll(windows)).toEqual({ ok: true, used: [2, 1, 2] });
      // The first counter at its limit is the one named.
      expect(await store.reserveAll([{ key: channel ?? '', limit: 2, ttlMs: 60_000 }, ...windows])).toEqual({
        ok: false,
        refused: 0,
        used: 2,
      });
      expect(await store.reserveAll([])).toEqual({ ok: true, used: [] });
    });

    it('gives exactly 3 of 40 racing all-or-nothing reservations from two clients, and no stray slot', async () => {
      const [first, second] = await openPair();
      const [scarce, plenty] = [`scarce:${randomUUID()}`, `plenty:${randomUUID()}`];
      const windows = [
        { key: plenty, limit: 100, ttlMs: 60_000 },
        { key: scarce, limit: 3, ttlMs: 60_000 },
      ];
      const results = await Promise.all(
        [first, second].flatMap((store) => Array.from({ length: 20 }, () => store.reserveAll(windows))),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(3);
      expect(
        results.filter((result) => !result.ok).every((result) => !result.ok && result.refused === 1),
      ).toBe(true);
      expect(await first.count(plenty)).toBe(3);
      expect(await second.count(scarce)).toBe(3);
    });

    it('never releases below zero', async () => {
      const store = await open();
      const key = `refund:${randomUUID()}`;
      await store.release(key);
      expect(await store.reserve(key, 2, 60_000)).toEqual({ ok: true, used: 1 });
      await store.release(key);
      await store.release(key);
      await store.release(key);
      expect(await store.reserve(key, 2, 60_000)).toEqual({ ok: true, used: 1 });
      expect(await store.reserve(key, 2, 60_000)).toEqual({ ok: true, used: 2 });
      expect(await store.reserve(key, 2, 60_000)).toEqual({ ok: false, used: 2 });
    });

    it('counts a counter without taking a slot: 0 when absent, released or expired', async () => {
      const [first, second] = await openPair();
      const key = `count:${randomUUID()}`;
      expect(await first.count(key)).toBe(0);
      await first.reserve(key, 5, 150);
      await first.reserve(key, 5, 150);
      expect(await second.count(key)).toBe(2);
      expect(await second.count(key)).toBe(2);
      await first.release(key);
      expect(await second.count(key)).toBe(1);
      await eventually(
        () => second.count(key),
        (used) => used === 0,
      );
      expect(await first.reserve(key, 5, 60_000)).toEqual({ ok: true, used: 1 });
    });

    it('ends a quota window a TTL after the first slot, however many follow', async () => {
      const store = await open();
      const key = `window:${randomUUID()}`;
      expect(await store.reserve(key, 2, 150)).toEqual({ ok: true, used: 1 });
      // Keep reserving: if later increments pushed the expiry on, `used` would never start again at 1.
      const fresh = await eventually(
        () => store.reserve(key, 10_000, 150),
        (result) => result.used === 1,
      );
      expect(fresh).toEqual({ ok: true, used: 1 });
    });

    it('grants a claim to one owner until it expires', async () => {
      const store = await open();
      const key = `event:${randomUUID()}`;
      expect(await store.claim(key, 'instance-a', 150)).toBe(true);
      expect(await store.claim(key, 'instance-b', 150)).toBe(false);
      expect(await store.claim(key, 'instance-a', 150)).toBe(false);
      await eventually(
        () => store.claim(key, 'instance-b', 60_000),
        (claimed) => claimed,
      );
      expect(await store.claim(key, 'instance-a', 60_000)).toBe(false);
    });

    it('gives each key of 40 racing claims from two clients to exactly one owner', async () => {
      const [first, second] = await openPair();
      const keys = Array.from({ length: 10 }, () => `event:${randomUUID()}`);
      const attempts = [first, second].flatMap((store, index) =>
        [...keys, ...keys].map(async (key) => ({
          key,
          taken: await store.claim(key, `owner-${index}`, 60_000),
        })),
      );
      const results = await Promise.all(attempts);
      for (const key of keys) {
        expect(results.filter((result) => result.key === key && result.taken)).toHaveLength(1);
      }
    });

    it('gives exactly 3 of 40 racing reservations from two clients', async () => {
      const [first, second] = await openPair();
      const key = `race:${randomUUID()}`;
      const attempts = [first, second].flatMap((store) =>
        Array.from({ length: 20 }, () => store.reserve(key, 3, 60_000)),
      );
      const results = await Promise.all(attempts);
      const granted = results.filter((result) => result.ok);
      expect(granted).toHaveLength(3);
      expect(granted.map((result) => result.used).sort()).toEqual([1, 2, 3]);
      expect(results.filter((result) => !result.ok).every((result) => result.used === 3)).toBe(true);
    });

    it('grants a raced claim to exactly one of two clients', async () => {
      const [first, second] = await openPair();
      const key = `claim-race:${randomUUID()}`;
      const attempts = [first, second].flatMap((store, index) =>
        Array.from({ length: 10 }, (_, attempt) => store.claim(key, `client-${index}-${attempt}`, 60_000)),
      );
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('still reads an image saved in the old format (base64 in JSON), from another client', async () => {
      const [writer, reader] = await openPair();
      const bytes = Buffer.concat([
        Buffer.from([0x00, 0xff, 0x00, 0x89, 0x50, 0x4e, 0x47]),
        randomBytes(65_536),
      ]);
      const hash = sha256Hex(bytes);
      await writer.set(imageBlobNamespace, hash, {
        mediaType: 'image/png',
        base64: bytes.toString('base64'),
      });
      const image = await createImageBlobs(reader, createMemoryImageStore()).getImage(hash);
      expect(image?.mediaType).toBe('image/png');
      expect(image?.bytes.equals(bytes)).toBe(true);
    });

    it("keeps only an image's media type and length, and answers undefined once it expires", async () => {
      const store = await open();
      const blobs = createImageBlobs(store, createMemoryImageStore());
      expect(await blobs.getImage(sha256Hex(randomBytes(16)))).toBeUndefined();
      expect(await blobs.getImage('../../etc/passwd')).toBeUndefined();
      const hash = await blobs.putImage(new Uint8Array([0, 255, 1, 254]), 'image/webp', 100);
      expect((await blobs.getImage(hash))?.bytes).toEqual(Buffer.from([0, 255, 1, 254]));
      expect(await store.get(imageMetadataNamespace, hash)).toEqual({
        mediaType: 'image/webp',
        byteLength: 4,
      });
      expect(await store.get(imageBlobNamespace, hash)).toBeUndefined();
      await eventually(
        () => blobs.getImage(hash),
        (image) => image === undefined,
      );
    });

    it('answers undefined after close, and refuses writes with an ImagineError', async () => {
      const store = await open();
      const key = randomUUID();
      await store.set('jobs', key, { id: key });
      await store.close();
      expect(await store.get('jobs', key)).toBeUndefined();
      const failure = await store.set('jobs', key, { id: key }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ImagineError);
      expect(failure).toMatchObject({ code: 'upstream' });
      await expect(store.reserve('closed', 1, 1000)).rejects.toBeInstanceOf(ImagineError);
      await expect(store.count('closed')).rejects.toBeInstanceOf(ImagineError);
      await store.close();
    });
  });
}
