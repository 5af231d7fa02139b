import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/core/jobs/create-runner.js';
import { createJobStore } from '../../../src/core/jobs/job-store.js';
import type { JobExecutor, JobHooks, JobRunner } from '../../../src/core/jobs/runner.js';
import { systemClock } from '../../../src/core/jobs/runner-clock.js';
import { createLogger } from '../../../src/core/logger.js';
import { createImageBlobs } from '../../../src/core/store/blobs.js';
import { createImageStore } from '../../../src/core/store/create-image-store.js';
import { createStore } from '../../../src/core/store/index.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The embedded runner as the app builds it, over a real SQLite store, with an executor the test drives. */
async function embeddedRunner(durable: boolean) {
  const directory = mkdtempSync(join(tmpdir(), 'imagine-create-runner-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  const store = await createStore(`sqlite://${join(directory, 'jobs.sqlite')}`);
  const images = await createImageStore(`file://${join(directory, 'images')}`);
  cleanups.push(async () => {
    await images.close();
    await store.close();
  });
  const started: string[] = [];
  const hooks = new Map<string, JobHooks & { finish(): void }>();
  const executor: JobExecutor = (jobId, _signal, given = {}) =>
    new Promise<void>((resolve) => {
      started.push(jobId);
      hooks.set(jobId, { ...given, finish: resolve });
    });
  const runner: JobRunner = await createRunner({
    executor,
    storeUrl: `sqlite://${join(directory, 'jobs.sqlite')}`,
    concurrency: 2,
    userConcurrency: 2,
    namespace: 'test',
    stalledIntervalMs: 30_000,
    store,
    jobs: createJobStore(store, 60_000),
    blobs: createImageBlobs(store, images),
    clock: systemClock(),
    logger: createLogger({ level: 'silent' }),
    durable,
    runWorker: true,
  });
  cleanups.push(async () => {
    for (const entry of hooks.values()) entry.finish();
    await runner.close();
  });
  return { runner, started, hooks };
}

describe('the embedded runner the app builds', () => {
  for (const durable of [true, false]) {
    it(`starts as many jobs again as the image API has slots ahead, queued to their users (${durable ? 'durable' : 'in memory'})`, async () => {
      const { runner, started, hooks } = await embeddedRunner(durable);
      const positions: number[] = [];
      for (const [index, user] of ['a', 'b', 'c', 'd', 'e'].entries()) {
        positions.push((await runner.submit({ id: `job-${index}`, userId: user })).position);
      }
      // Two run, two more are started ahead (their calls wait for a slot), one waits to start.
      expect(started).toEqual(['job-0', 'job-1', 'job-2', 'job-3']);
      expect(positions).toEqual([0, 0, 1, 2, 3]);
      expect(await runner.stats()).toEqual({ queued: 3, running: 2 });
      hooks.get('job-2')?.upstreamStarted?.();
      expect(await runner.stats()).toEqual({ queued: 2, running: 3 });
    });
  }
});
