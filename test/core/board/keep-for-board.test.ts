import { describe, expect, it } from 'vitest';
import { keepForBoard } from '../../../src/core/board/keep-for-board.js';
import { createJobStore } from '../../../src/core/jobs/job-store.js';
import { createImageBlobs, createStore, type ImageStore } from '../../../src/core/store/index.js';
import { createMemoryImageStore } from '../../../src/core/store/memory-image-store.js';
import { makeJob } from '../../commands/replies-fixtures.js';
import { imageBytes } from '../store/image-store-behaviour.js';

const day = 24 * 60 * 60 * 1000;

describe('keepForBoard (a favourite outlives the image TTL)', () => {
  it('keeps the job and each image as long as the favourite, without reading or sending the images again', async () => {
    let now = 1_000_000;
    const inner = createMemoryImageStore({ now: () => now });
    const reads: string[] = [];
    const images: ImageStore = {
      ...inner,
      get(hash) {
        reads.push(hash);
        return inner.get(hash);
      },
    };
    const store = await createStore('memory://');
    try {
      const jobs = createJobStore(store, 7 * day);
      // No hand-off: every read of the image store would show.
      const blobs = createImageBlobs(store, images, { handOffMs: 0 });
      const pictures = [imageBytes(20_000), imageBytes(30_000)];
      const hashes = [];
      for (const bytes of pictures) hashes.push(await blobs.putImage(bytes, 'image/png', 7 * day));
      const job = await jobs.save(makeJob({ status: 'done' }));
      await keepForBoard(
        { jobs, blobs },
        {
          jobId: job.id,
          channelId: 'slack:T1/C1',
          kind: 'imagine',
          conversationId: 'conversation-1',
          prompt: 'a red fox',
          model: 'gemini-2.5-flash-image',
          command: '/imagine a red fox',
          options: {},
          requester: { id: 'U1' },
          images: hashes.map((hash) => ({ hash, mediaType: 'image/png' })),
          createdAt: now,
          expiresAt: now + 90 * day,
        },
        90 * day,
      );
      expect(reads).toEqual([]);
      // Past the images' own 7 days, within the favourite's 90.
      now += 30 * day;
      for (const [index, hash] of hashes.entries()) {
        expect((await blobs.getImage(hash))?.bytes.equals(pictures[index] ?? Buffer.alloc(0))).toBe(true);
      }
      expect((await jobs.get(job.id))?.id).toBe(job.id);
    } finally {
      await store.close();
    }
  });
});
