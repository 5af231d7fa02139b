import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardServer, startBoardServer } from '../../src/board/board-server.js';
import { boardLink } from '../../src/core/board/board-link.js';
import { createBoardStore } from '../../src/core/board/board-store.js';
import { createImageBlobs } from '../../src/core/store/blobs.js';
import type { ImageStore } from '../../src/core/store/image-store.js';
import { createStore } from '../../src/core/store/index.js';
import { createMemoryImageStore } from '../../src/core/store/memory-image-store.js';
import type { Store } from '../../src/core/store/store.js';

const secret = 'board-thumbnail-test-secret';
const day = 24 * 60 * 60 * 1000;

/** The real memory image store, counting how many reads of originals are under way at once. */
function countingReads(inner: ImageStore, originals: Set<string>) {
  let now = 0;
  let most = 0;
  const store: ImageStore = {
    put: (hash, bytes, ttlMs) => inner.put(hash, bytes, ttlMs),
    keep: (hash, ttlMs) => inner.keep(hash, ttlMs),
    async get(hash) {
      if (!originals.has(hash)) return inner.get(hash);
      now += 1;
      most = Math.max(most, now);
      try {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return await inner.get(hash);
      } finally {
        now -= 1;
      }
    },
    close: () => inner.close(),
  };
  return { store, most: () => most };
}

describe('board thumbnails', () => {
  let store: Store;
  let server: BoardServer;
  let link = '';
  let reads: ReturnType<typeof countingReads>;
  const jobIds: string[] = [];

  beforeAll(async () => {
    store = await createStore('memory://');
    const originals = new Set<string>();
    reads = countingReads(createMemoryImageStore(), originals);
    // handOffMs 0: every read goes to the image store, as on another instance or a day later.
    const blobs = createImageBlobs(store, reads.store, { handOffMs: 0 });
    const board = createBoardStore({ store, imageTtlMs: 7 * day, favouriteTtlMs: 90 * day });
    for (let index = 0; index < 6; index += 1) {
      const png = await sharp({
        create: { width: 800, height: 600, channels: 3, background: { r: index * 40, g: 90, b: 160 } },
      })
        .png()
        .toBuffer();
      const hash = await blobs.putImage(png, 'image/png', 7 * day);
      originals.add(hash);
      jobIds.push(`job-${index}`);
      await board.record({
        jobId: `job-${index}`,
        channelId: 'console:local',
        kind: 'imagine',
        conversationId: `job-${index}`,
        prompt: `picture ${index}`,
        model: 'gpt-image-1',
        command: `/imagine picture ${index}`,
        options: {},
        requester: { id: 'console:ada' },
        images: [{ hash, mediaType: 'image/png' }],
        createdAt: Date.now(),
        expiresAt: Date.now() + 7 * day,
      });
    }
    server = await startBoardServer({
      board,
      blobs,
      store,
      secret,
      imageTtlMs: 7 * day,
      logger: { warn: () => undefined, info: () => undefined },
      host: '127.0.0.1',
      port: 0,
    });
    link = boardLink(server.url, secret, 'console:local', Date.now() + day);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('makes WebP thumbnails at most two at a time, once each, then serves them from the image store', async () => {
    const first = await Promise.all(jobIds.map((jobId) => fetch(`${link}thumb/${jobId}/1`)));
    expect(first.map((response) => response.status)).toEqual(jobIds.map(() => 200));
    expect(first.map((response) => response.headers.get('content-type'))).toEqual(
      jobIds.map(() => 'image/webp'),
    );
    const thumbnail = Buffer.from(await (first[0] as Response).arrayBuffer());
    const { width, format } = await sharp(thumbnail).metadata();
    expect({ width, format }).toEqual({ width: 360, format: 'webp' });
    expect(reads.most()).toBeLessThanOrEqual(2);
    expect(reads.most()).toBeGreaterThanOrEqual(1);
    const etag = first[0]?.headers.get('etag') ?? '';
    expect((await fetch(`${link}thumb/${jobIds[0]}/1`, { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
  });
});
