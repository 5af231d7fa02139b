import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createImageBlobs,
  createImageStore,
  createStore,
  type ImageStore,
  imageBlobNamespace,
  imageMetadataNamespace,
  type Store,
  sha256Hex,
} from '../../../src/core/store/index.js';
import { imageBytes } from './image-store-behaviour.js';

/** An image as versions before the image store kept it: base64 in the key-value store. */
function storeOldFormat(store: Store, bytes: Buffer, mediaType: string): Promise<void> {
  return store.set(
    imageBlobNamespace,
    sha256Hex(bytes),
    { mediaType, base64: bytes.toString('base64') },
    60_000,
  );
}

describe('image blobs on an image store', () => {
  let directory: string;
  let store: Store;
  let images: ImageStore;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'imagine-bot-blobs-'));
    store = await createStore('memory://');
    images = await createImageStore(`file://${directory}`);
  });
  afterEach(async () => {
    await images.close();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('puts the bytes in the image store and only the media type and length in the key-value store', async () => {
    const bytes = imageBytes(200_000);
    const hash = await createImageBlobs(store, images).putImage(bytes, 'image/png');
    expect(hash).toBe(sha256Hex(bytes));
    expect(await store.get(imageMetadataNamespace, hash)).toEqual({
      mediaType: 'image/png',
      byteLength: 200_012,
    });
    expect(await store.get(imageBlobNamespace, hash)).toBeUndefined();
    expect(await readdir(join(directory, hash.slice(0, 2)))).toEqual([hash]);
    const image = await createImageBlobs(store, images).getImage(hash);
    expect(image?.mediaType).toBe('image/png');
    expect(image?.bytes.equals(bytes)).toBe(true);
  });

  it('still reads an image an older version saved as base64 in the key-value store', async () => {
    const bytes = imageBytes(5000);
    const hash = sha256Hex(bytes);
    await storeOldFormat(store, bytes, 'image/jpeg');
    const image = await createImageBlobs(store, images).getImage(hash);
    expect(image?.mediaType).toBe('image/jpeg');
    expect(image?.bytes.equals(bytes)).toBe(true);
  });

  it('answers undefined for an old-format image whose bytes no longer match the hash', async () => {
    const bytes = imageBytes(100);
    const hash = sha256Hex(bytes);
    await store.set(imageBlobNamespace, hash, { mediaType: 'image/png', base64: 'AAAA' });
    expect(await createImageBlobs(store, images).getImage(hash)).toBeUndefined();
  });

  it('keeps an image for longer without reading its bytes: the image store and the metadata move', async () => {
    const bytes = imageBytes(300_000);
    const hash = await createImageBlobs(store, images).putImage(bytes, 'image/png', 60_000);
    const calls: string[] = [];
    const counted: ImageStore = {
      ...images,
      get(wanted) {
        calls.push(`get ${wanted}`);
        return images.get(wanted);
      },
      keep(wanted, ttlMs) {
        calls.push(`keep ${wanted} ${ttlMs}`);
        return images.keep(wanted, ttlMs);
      },
    };
    const blobs = createImageBlobs(store, counted);
    const tenDays = 10 * 24 * 60 * 60 * 1000;
    expect(await blobs.keepImage(hash, tenDays)).toBe(true);
    expect(calls).toEqual([`keep ${hash} ${tenDays}`]);
    const { mtimeMs } = await stat(join(directory, hash.slice(0, 2), hash));
    expect(mtimeMs).toBeGreaterThan(Date.now() + tenDays - 60_000);
    expect(await store.get(imageMetadataNamespace, hash)).toEqual({
      mediaType: 'image/png',
      byteLength: 300_012,
    });
    expect((await blobs.getImage(hash))?.bytes.equals(bytes)).toBe(true);
  });

  it('answers false when keeping an image that is gone, and moves an old-format one into the image store', async () => {
    const blobs = createImageBlobs(store, images);
    expect(await blobs.keepImage(sha256Hex(imageBytes(10)), 60_000)).toBe(false);
    expect(await blobs.keepImage('not-a-hash', 60_000)).toBe(false);
    // Metadata whose file was swept: gone, and the metadata is not renewed.
    const swept = await blobs.putImage(imageBytes(100), 'image/png', 60_000);
    await rm(join(directory, swept.slice(0, 2)), { recursive: true });
    expect(await blobs.keepImage(swept, 60_000)).toBe(false);
    const bytes = imageBytes(5000);
    const hash = sha256Hex(bytes);
    await storeOldFormat(store, bytes, 'image/jpeg');
    expect(await blobs.keepImage(hash, 60_000)).toBe(true);
    expect((await images.get(hash))?.equals(bytes)).toBe(true);
    expect(await store.get(imageMetadataNamespace, hash)).toEqual({
      mediaType: 'image/jpeg',
      byteLength: 5012,
    });
  });

  it('answers undefined when the file was damaged (same length, other bytes)', async () => {
    const bytes = imageBytes(1000);
    const hash = await createImageBlobs(store, images).putImage(bytes, 'image/png');
    await writeFile(join(directory, hash.slice(0, 2), hash), Buffer.alloc(bytes.byteLength));
    expect(await createImageBlobs(store, images).getImage(hash)).toBeUndefined();
  });

  it('answers undefined when the image store lost the bytes the metadata points at', async () => {
    const bytes = imageBytes(1000);
    const hash = await createImageBlobs(store, images).putImage(bytes, 'image/png');
    await rm(join(directory, hash.slice(0, 2)), { recursive: true });
    expect(await createImageBlobs(store, images).getImage(hash)).toBeUndefined();
  });

  it('hands a stored image to its first reader from memory, and later readers read the image store', async () => {
    let reads = 0;
    const counted: ImageStore = {
      ...images,
      get(hash) {
        reads += 1;
        return images.get(hash);
      },
    };
    const blobs = createImageBlobs(store, counted);
    const bytes = imageBytes(300_000);
    const hash = await blobs.putImage(bytes, 'image/png');
    const first = await blobs.getImage(hash);
    expect(first?.bytes.buffer).toBe(bytes.buffer);
    expect(first?.mediaType).toBe('image/png');
    expect(reads).toBe(0);
    const second = await blobs.getImage(hash);
    expect(second?.bytes.equals(bytes)).toBe(true);
    expect(second?.bytes.buffer).not.toBe(bytes.buffer);
    expect(reads).toBe(1);
  });

  it('hands the same picture stored by two jobs to each job’s reader', async () => {
    let reads = 0;
    const counted: ImageStore = {
      ...images,
      get(hash) {
        reads += 1;
        return images.get(hash);
      },
    };
    const blobs = createImageBlobs(store, counted);
    const bytes = imageBytes(50_000);
    const first = await blobs.putImage(bytes, 'image/png');
    const second = await blobs.putImage(Buffer.from(bytes), 'image/png');
    expect(second).toBe(first);
    expect((await blobs.getImage(first))?.bytes.equals(bytes)).toBe(true);
    expect((await blobs.getImage(first))?.bytes.equals(bytes)).toBe(true);
    expect(reads).toBe(0);
    expect((await blobs.getImage(first))?.bytes.equals(bytes)).toBe(true);
    expect(reads).toBe(1);
  });

  it('holds a stored image only until the hand-off time (or its TTL) has passed', async () => {
    let clock = 1_000_000;
    const blobs = createImageBlobs(store, images, { handOffMs: 5000, now: () => clock });
    const bytes = imageBytes(1000);
    const hash = await blobs.putImage(bytes, 'image/png');
    clock += 5000;
    const read = await blobs.getImage(hash);
    expect(read?.bytes.equals(bytes)).toBe(true);
    expect(read?.bytes.buffer).not.toBe(bytes.buffer);
    const shortLived = imageBytes(2000);
    const shortHash = await blobs.putImage(shortLived, 'image/png', 10);
    clock += 10;
    expect((await blobs.getImage(shortHash))?.bytes.buffer).not.toBe(shortLived.buffer);
  });
});
