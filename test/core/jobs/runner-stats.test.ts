import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createBullmqRunner } from '../../../src/core/jobs/bullmq-runner.js';
import { createLocalRunner } from '../../../src/core/jobs/local-runner.js';
import type { JobExecutor, JobRunner } from '../../../src/core/jobs/runner.js';
import { removeRedisNamespace } from '../store/redis-namespace.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the BullMQ part of the runner stats tests is skipped.');
const prefix = `imagine-test-stats-${randomUUID()}`;

/** An executor whose jobs run until released. */
function holdingExecutor() {
  const releases = new Map<string, () => void>();
  const executor: JobExecutor = (jobId) =>
    new Promise<void>((resolve) => {
      releases.set(jobId, resolve);
    });
  return { executor, releases };
}

const until = async (condition: () => boolean | Promise<boolean>) => {
  for (let tries = 0; tries < 3000 && !(await condition()); tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Two jobs on one slot: one runs, one waits; then both finish. */
async function countsThroughTwoJobs(runner: JobRunner, releases: Map<string, () => void>) {
  const seen = [await runner.stats()];
  await runner.submit({ id: 'job-1', userId: 'alice' });
  await runner.submit({ id: 'job-2', userId: 'bob' });
  await until(() => releases.has('job-1'));
  await until(async () => (await runner.stats()).queued === 1);
  seen.push(await runner.stats());
  releases.get('job-1')?.();
  await until(() => releases.has('job-2'));
  await until(async () => (await runner.stats()).queued === 0);
  seen.push(await runner.stats());
  releases.get('job-2')?.();
  await until(async () => (await runner.stats()).running === 0);
  seen.push(await runner.stats());
  return seen;
}

const expected = [
  { queued: 0, running: 0 },
  { queued: 1, running: 1 },
  { queued: 0, running: 1 },
  { queued: 0, running: 0 },
];

describe('how many jobs wait and run (the queued and running gauges, the queue readiness check)', () => {
  it('the local runner counts its own queue and workers', async () => {
    const { executor, releases } = holdingExecutor();
    const runner = createLocalRunner({ executor, globalConcurrency: 1 });
    try {
      expect(await countsThroughTwoJobs(runner, releases)).toStrictEqual(expected);
    } finally {
      await runner.close();
    }
  });

  describe.skipIf(!redisUrl)('BullMQ (real Redis)', () => {
    afterAll(async () => {
      await removeRedisNamespace(redisUrl ?? '', prefix);
    });

    it('counts the shared queue', async () => {
      const { executor, releases } = holdingExecutor();
      const runner = await createBullmqRunner({
        redisUrl: redisUrl ?? '',
        prefix,
        executor,
        globalConcurrency: 1,
      });
      try {
        expect(await countsThroughTwoJobs(runner, releases)).toStrictEqual(expected);
      } finally {
        for (const release of releases.values()) release();
        await runner.close();
      }
    });
  });
});
