import { randomBytes } from 'node:crypto';
import { createKeyedLock } from '../keyed-lock.js';
import type { Store } from '../store/store.js';
import { type Job, jobSchema } from './job.js';

const namespace = 'jobs';

export interface JobStore {
  get(id: string): Promise<Job | undefined>;
  /** `ttlMs`: keep it longer than the store's default (a favourite on the team board). */
  save(job: Job, ttlMs?: number): Promise<Job>;
  /**
   * Reads, applies `change` and writes back; undefined when the job is gone. A `change` that returns the job it was
   * given writes nothing: another process may have stored a newer record meanwhile, and a no-op must not undo it.
   */
  update(id: string, change: (job: Job) => Job): Promise<Job | undefined>;
}

/** Short ids that fit in a Discord custom_id or a Slack button value with room to spare. */
export function newJobId(): string {
  return randomBytes(9).toString('base64url');
}

/** Jobs are kept as long as their images (the blob TTL), so buttons on old messages keep working. */
export function createJobStore(store: Store, ttlMs: number): JobStore {
  const lock = createKeyedLock();
  return {
    get: (id) => store.getParsed(namespace, id, jobSchema),
    async save(job, keepMs = ttlMs) {
      await store.set(namespace, job.id, job, keepMs);
      return job;
    },
    update: (id, change) =>
      lock.run(id, async () => {
        const job = await store.getParsed(namespace, id, jobSchema);
        if (!job) return undefined;
        const next = change(job);
        if (next !== job) await store.set(namespace, id, next, ttlMs);
        return next;
      }),
  };
}
