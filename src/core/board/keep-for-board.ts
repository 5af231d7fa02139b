import type { JobStore } from '../jobs/job-store.js';
import type { ImageBlobs } from '../store/blobs.js';
import type { BoardEntry } from './board-index.js';

/** A favourite keeps its job record and its images as long as its board entry (FAVOURITE_TTL_DAYS). */
export async function keepForBoard(
  parts: { jobs: JobStore; blobs: ImageBlobs },
  entry: BoardEntry,
  ttlMs: number,
): Promise<void> {
  const job = await parts.jobs.get(entry.jobId);
  if (job) await parts.jobs.save(job, ttlMs);
  // Only the expiry moves: the images' bytes are neither read nor sent again.
  for (const image of entry.images) await parts.blobs.keepImage(image.hash, ttlMs);
}
