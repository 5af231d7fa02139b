import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/core/jobs/job.js';
import { createJobStore } from '../../../src/core/jobs/job-store.js';
import { createLogger } from '../../../src/core/logger.js';
import { createStore } from '../../../src/core/store/create-store.js';
import { makeJob } from '../../commands/replies-fixtures.js';

const logger = createLogger({ level: 'silent' });

/** Leaves a job alone unless it is still queued, as `/imagine cancel` does on the instance that received it. */
const cancelIfQueued = (stored: Job): Job =>
  stored.status === 'queued' ? { ...stored, status: 'cancelled' } : stored;

describe('the job store shared by two processes', () => {
  it('an update that changes nothing writes nothing: it cannot undo what another process stored meanwhile', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'job-store-'));
    const url = `sqlite://${join(directory, 'store.sqlite')}`;
    // Two connections to one file: the worker running the job and the front end that received /imagine cancel.
    const [workerStore, frontStore] = [
      await createStore(url, { logger }),
      await createStore(url, { logger }),
    ];
    try {
      const worker = createJobStore(workerStore, 60_000);
      const front = createJobStore(frontStore, 60_000);
      await worker.save(makeJob({ status: 'running' }));
      // Both read the running job; the worker stores its end first, the front end's no-op lands after it.
      const [ended, untouched] = await Promise.all([
        worker.update('job123', (stored) => ({ ...stored, status: 'cancelled', errorCode: 'cancelled' })),
        front.update('job123', cancelIfQueued),
      ]);
      expect(ended?.status).toBe('cancelled');
      expect(untouched?.status).toBe('running');
      expect((await worker.get('job123'))?.status).toBe('cancelled');
      expect((await front.get('job123'))?.status).toBe('cancelled');
    } finally {
      await workerStore.close();
      await frontStore.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
