import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createBullmqRunner } from '../../../src/core/jobs/bullmq-runner.js';
import type { ProgressEvent } from '../../../src/core/jobs/job.js';
import type { DurableJobRunner, JobExecutor } from '../../../src/core/jobs/runner.js';
import { removeRedisNamespace } from '../store/redis-namespace.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the BullMQ runner tests are skipped.');
const prefix = `imagine-test-bull-${randomUUID()}`;
const childScript = fileURLToPath(new URL('./bullmq-worker-child.ts', import.meta.url));
const stalledIntervalMs = 500;

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** Executors that share one record of what ran where, so caps are measured across instances. */
function fleetRecorder() {
  const runs: Array<{ jobId: string; instance: string }> = [];
  let inFlight = 0;
  const perUser = new Map<string, number>();
  const max = { global: 0, perUser: 0 };
  const releases = new Map<string, () => void>();
  const aborted: string[] = [];
  const executor =
    (instance: string, userOf: (jobId: string) => string, hold = false): JobExecutor =>
    async (jobId, signal) => {
      runs.push({ jobId, instance });
      const user = userOf(jobId);
      inFlight += 1;
      perUser.set(user, (perUser.get(user) ?? 0) + 1);
      max.global = Math.max(max.global, inFlight);
      max.perUser = Math.max(max.perUser, perUser.get(user) ?? 0);
      try {
        await new Promise<void>((resolve, reject) => {
          releases.set(jobId, resolve);
          signal.addEventListener('abort', () => {
            aborted.push(jobId);
            reject(signal.reason);
          });
          if (!hold) setTimeout(resolve, 30);
        });
      } finally {
        inFlight -= 1;
        perUser.set(user, (perUser.get(user) ?? 1) - 1);
      }
    };
  return { runs, max, aborted, releases, executor };
}

function finalEvents(runner: DurableJobRunner, ids: string[]) {
  const finals = new Map<string, ProgressEvent>();
  for (const id of ids) {
    runner.subscribe(id, (event) => {
      if (event.type !== 'queued' && event.type !== 'running') finals.set(id, event);
    });
  }
  return finals;
}

describe.skipIf(!redisUrl)('BullMQ runner (real Redis)', () => {
  const url = redisUrl ?? '';
  const runners: DurableJobRunner[] = [];
  const open = async (options: Omit<Parameters<typeof createBullmqRunner>[0], 'redisUrl' | 'prefix'>) => {
    const runner = await createBullmqRunner({ redisUrl: url, prefix, stalledIntervalMs, ...options });
    runners.push(runner);
    return runner;
  };
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    await removeRedisNamespace(url, prefix);
  });

  it('holds IMAGE_API_CONCURRENCY and USER_CONCURRENCY across two instances; each job runs once', async () => {
    const queueName = 'caps';
    const userOf = (jobId: string) => jobId.split('-')[0] ?? '';
    const fleet = fleetRecorder();
    const one = await open({
      queueName,
      executor: fleet.executor('one', userOf),
      globalConcurrency: 4,
      // Fewer than the global cap per worker, so that both instances run jobs (the cap still binds: 3 + 3 > 4).
      workerConcurrency: 3,
      perUserConcurrency: 2,
      userRetryMs: 20,
    });
    const two = await open({
      queueName,
      executor: fleet.executor('two', userOf),
      globalConcurrency: 4,
      workerConcurrency: 3,
      perUserConcurrency: 2,
      userRetryMs: 20,
    });
    // One busy user first: without the per-user cap their jobs would fill every global slot.
    const ids = [
      ...Array.from({ length: 6 }, (_, index) => `u0-${index}`),
      ...Array.from({ length: 6 }, (_, index) => `u${1 + (index % 3)}-${index}`),
    ];
    const finals = finalEvents(one, ids);
    for (const [index, id] of ids.entries())
      await (index % 2 === 0 ? one : two).submit({ id, userId: userOf(id) });
    await until(() => finals.size === ids.length);
    expect([...finals.values()].every((event) => event.type === 'done')).toBe(true);
    expect(fleet.runs.map((run) => run.jobId).sort()).toEqual([...ids].sort());
    expect(fleet.max.global).toBeLessThanOrEqual(4);
    expect(fleet.max.global).toBeGreaterThan(1);
    expect(fleet.max.perUser).toBe(2);
    expect(new Set(fleet.runs.map((run) => run.instance))).toEqual(new Set(['one', 'two']));
  });

  it('reports queue positions from the shared queue', async () => {
    const queueName = 'positions';
    const fleet = fleetRecorder();
    const front = await open({
      queueName,
      executor: fleet.executor('front', () => 'u'),
      globalConcurrency: 1,
      runWorker: false,
    });
    const positions = [];
    for (const id of ['p1', 'p2', 'p3']) positions.push((await front.submit({ id, userId: 'u' })).position);
    expect(positions).toEqual([1, 2, 3]);
    expect(await front.activeJobs('u')).toEqual(['p1', 'p2', 'p3']);
    const worker = await open({
      queueName,
      executor: fleet.executor('worker', () => 'u'),
      globalConcurrency: 1,
      perUserConcurrency: 3,
    });
    const finals = finalEvents(front, ['p1', 'p2', 'p3']);
    await until(() => finals.size === 3);
    expect(fleet.runs.map((run) => run.jobId)).toEqual(['p1', 'p2', 'p3']);
    await worker.close();
  });

  it('cancel on one instance stops the job running on the other', async () => {
    const queueName = 'cancel';
    const fleet = fleetRecorder();
    const front = await open({
      queueName,
      executor: fleet.executor('front', () => 'u'),
      globalConcurrency: 1,
      runWorker: false,
    });
    await open({ queueName, executor: fleet.executor('worker', () => 'u', true), globalConcurrency: 1 });
    const seen: string[] = [];
    front.subscribe('c1', (event) => seen.push(event.type));
    await front.submit({ id: 'c1', userId: 'u' });
    await until(() => seen.includes('running'));
    expect(await front.activeJobs('u')).toEqual(['c1']);
    expect(await front.cancel('c1')).toBe(true);
    await until(() => fleet.aborted.includes('c1'));
    expect(await front.activeJobs('u')).toEqual([]);
    expect(seen.at(-1)).toBe('cancelled');
    expect(fleet.runs).toEqual([{ jobId: 'c1', instance: 'worker' }]);
  });

  it('cancel of a queued job removes it from the shared queue and tells subscribers on every instance', async () => {
    const queueName = 'cancel-queued';
    const fleet = fleetRecorder();
    const one = await open({
      queueName,
      executor: fleet.executor('one', () => 'u'),
      globalConcurrency: 1,
      runWorker: false,
    });
    const two = await open({
      queueName,
      executor: fleet.executor('two', () => 'u'),
      globalConcurrency: 1,
      runWorker: false,
    });
    const seenOnTwo: string[] = [];
    two.subscribe('q2', (event) => seenOnTwo.push(event.type));
    await one.submit({ id: 'q1', userId: 'u' });
    await one.submit({ id: 'q2', userId: 'u' });
    expect(await one.cancel('q2')).toBe(true);
    await until(() => seenOnTwo.includes('cancelled'));
    expect(await two.activeJobs('u')).toEqual(['q1']);
    expect(await two.cancel('q2')).toBe(false);
  });

  it('close(grace) hands a running job back to the queue: another instance finishes it once', async () => {
    const queueName = 'shutdown';
    const fleet = fleetRecorder();
    const leaving = await createBullmqRunner({
      redisUrl: url,
      prefix,
      stalledIntervalMs,
      queueName,
      executor: fleet.executor('leaving', () => 'u', true),
      globalConcurrency: 1,
    });
    const front = await open({
      queueName,
      executor: fleet.executor('front', () => 'u'),
      globalConcurrency: 1,
      runWorker: false,
    });
    const finals = finalEvents(front, ['g1']);
    await front.submit({ id: 'g1', userId: 'u' });
    await until(() => fleet.runs.length === 1);
    await leaving.close(50);
    expect(fleet.aborted).toEqual(['g1']);
    expect(finals.size).toBe(0);
    await open({ queueName, executor: fleet.executor('staying', () => 'u'), globalConcurrency: 1 });
    await until(() => finals.size === 1);
    expect(finals.get('g1')).toEqual({ jobId: 'g1', type: 'done' });
    expect(fleet.runs).toEqual([
      { jobId: 'g1', instance: 'leaving' },
      { jobId: 'g1', instance: 'staying' },
    ]);
  });

  it('a worker killed with SIGKILL mid-job: another instance finishes its job exactly once', async () => {
    const queueName = 'jobs';
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      childScript,
      url,
      prefix,
      String(stalledIntervalMs),
    ]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(() => output.includes('ready') || child.exitCode !== null);
    const fleet = fleetRecorder();
    const front = await open({
      queueName,
      executor: fleet.executor('front', () => 'u'),
      globalConcurrency: 4,
      runWorker: false,
    });
    const finals = finalEvents(front, ['k1']);
    await front.submit({ id: 'k1', userId: 'u' });
    await until(() => output.includes('started k1'));
    child.kill('SIGKILL');
    await exited;
    await open({ queueName, executor: fleet.executor('survivor', () => 'u'), globalConcurrency: 4 });
    await until(() => finals.size === 1);
    expect(finals.get('k1')).toEqual({ jobId: 'k1', type: 'done' });
    expect(fleet.runs).toEqual([{ jobId: 'k1', instance: 'survivor' }]);
  });
});
