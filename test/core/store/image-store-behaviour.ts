import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type ImageStore, sha256Hex } from '../../../src/core/store/index.js';

export interface ImageStoreHarness {
  /** A new instance on the backend's shared state (the same folder, the same server; memory: the same one). */
  open(): Promise<ImageStore>;
  /** Moves the stores' clock on; absent for a backend whose clock is the server's (Redis: tested apart). */
  pass?(ms: number): void;
}

/** An image-ish payload: a PNG signature, the bytes UTF-8 or base64 would mangle, then noise. */
export function imageBytes(size = 300_000): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]),
    randomBytes(size),
  ]);
}

/** What every image store backend must do; each backend's test file runs it. */
export function describeImageStoreBehaviour(name: string, harness: ImageStoreHarness): void {
  describe(`${name} image store`, () => {
    const opened: ImageStore[] = [];
    const open = async () => {
      const store = await harness.open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('gives back exactly the bytes it was given, also from a view into a larger buffer', async () => {
      const store = await open();
      const bytes = imageBytes();
      const hash = sha256Hex(bytes);
      const larger = Buffer.concat([Buffer.from('before'), bytes, Buffer.from('after')]);
      const view = new Uint8Array(larger.buffer, larger.byteOffset + 6, bytes.byteLength);
      await store.put(hash, view, 60_000);
      const read = await store.get(hash);
      expect(read?.byteLength).toBe(bytes.byteLength);
      expect(read?.equals(bytes)).toBe(true);
    });

    it('keeps one copy per hash: the same hash again does not store the bytes again', async () => {
      const store = await open();
      const bytes = imageBytes(4096);
      const hash = sha256Hex(bytes);
      await store.put(hash, bytes, 60_000);
      // Content addressing: a second put under a known hash is the same image, so nothing is rewritten.
      await store.put(hash, Buffer.from('not the image'), 60_000);
      expect((await store.get(hash))?.equals(bytes)).toBe(true);
    });

    it('answers undefined for an image it never stored', async () => {
      const store = await open();
      expect(await store.get(sha256Hex(randomBytes(16)))).toBeUndefined();
    });

    it('keeps an image it holds without being given its bytes; answers false for one it never stored', async () => {
      const store = await open();
      const bytes = imageBytes(2000);
      const hash = sha256Hex(bytes);
      await store.put(hash, bytes, 60_000);
      expect(await store.keep(hash, 120_000)).toBe(true);
      expect((await store.get(hash))?.equals(bytes)).toBe(true);
      const never = sha256Hex(randomBytes(16));
      expect(await store.keep(never, 120_000)).toBe(false);
      expect(await store.get(never)).toBeUndefined();
    });

    it('is read by another instance on the same state', async () => {
      const writer = await open();
      const bytes = imageBytes(10_000);
      const hash = sha256Hex(bytes);
      await writer.put(hash, bytes, 60_000);
      const reader = await open();
      expect((await reader.get(hash))?.equals(bytes)).toBe(true);
    });

    const { pass } = harness;
    if (pass) {
      it('forgets an image once its TTL has passed', async () => {
        const store = await open();
        const bytes = imageBytes(1000);
        const hash = sha256Hex(bytes);
        await store.put(hash, bytes, 1000);
        pass(999);
        expect((await store.get(hash))?.equals(bytes)).toBe(true);
        pass(1);
        expect(await store.get(hash)).toBeUndefined();
      });

      it('moves the expiry when the same image is stored again', async () => {
        const store = await open();
        const bytes = imageBytes(1000);
        const hash = sha256Hex(bytes);
        await store.put(hash, bytes, 1000);
        pass(800);
        await store.put(hash, bytes, 1000);
        pass(800);
        expect((await store.get(hash))?.equals(bytes)).toBe(true);
        pass(200);
        expect(await store.get(hash)).toBeUndefined();
      });

      it('keep moves the expiry; an image past it is not brought back', async () => {
        const store = await open();
        const bytes = imageBytes(1000);
        const hash = sha256Hex(bytes);
        await store.put(hash, bytes, 1000);
        pass(800);
        expect(await store.keep(hash, 1000)).toBe(true);
        pass(800);
        expect((await store.get(hash))?.equals(bytes)).toBe(true);
        pass(200);
        expect(await store.keep(hash, 1000)).toBe(false);
        expect(await store.get(hash)).toBeUndefined();
      });

      it('stores an image again after it expired', async () => {
        const store = await open();
        const bytes = imageBytes(1000);
        const hash = sha256Hex(bytes);
        await store.put(hash, bytes, 1000);
        pass(2000);
        await store.put(hash, bytes, 1000);
        expect((await store.get(hash))?.equals(bytes)).toBe(true);
      });
    }
  });
}
