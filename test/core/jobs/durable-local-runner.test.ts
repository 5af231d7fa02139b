import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createActiveJobJournal } from '../../../src/core/jobs/active-jobs.js';
import { type Job, jobSchema, type ProgressEvent } from '../../../src/core/jobs/job.js';
import { createJobStore } from '../../../src/core/jobs/job-store.js';
import { createLocalRunner } from '../../../src/core/jobs/local-runner.js';
import { inputsExpiredMessage } from '../../../src/core/jobs/recover-jobs.js';
import type { JobExecutor } from '../../../src/core/jobs/runner.js';
import { createImageBlobs } from '../../../src/core/store/blobs.js';
import { createImageStore } from '../../../src/core/store/create-image-store.js';
import { createStore } from '../../../src/core/store/index.js';

const directory = mkdtempSync(join(tmpdir(), 'imagine-durable-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ttlMs = 3_600_000;
let fileCount = 0;

/** One "process": its own connections to the same SQLite file and image folder. */
async function openProcess(name: string) {
  const store = await createStore(`sqlite://${join(directory, `${name}.sqlite`)}`);
  const images = await createImageStore(`file://${join(directory, `${name}-images`)}`);
  const jobs = createJobStore(store, ttlMs);
  const blobs = createImageBlobs(store, images);
  const durable = { journal: createActiveJobJournal(store), jobs, blobs };
  return { store, jobs, blobs, durable };
}

function newDatabase(): string {
  fileCount += 1;
  return `run-${fileCount}`;
}

function job(id: string, userId: string, inputHashes: string[] = []): Job {
  return jobSchema.parse({
    id,
    kind: inputHashes.length > 0 ? 'edit' : 'imagine',
    conversationId: id,
    requester: { id: userId },
    channelId: 'console:test',
    options: { model: 'fake', prompt: `prompt ${id}` },
    userPrompt: `prompt ${id}`,
    inputImages: inputHashes.map((hash) => ({ hash, mediaType: 'image/png' })),
    status: 'queued',
    createdAt: 1,
  });
}

/** An executor that marks jobs like the real one and lets the test finish each job when it wants. */
function controlledExecutor(jobs: ReturnType<typeof createJobStore>) {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const executor: JobExecutor = async (jobId, signal) => {
    started.push(jobId);
    await jobs.update(jobId, (stored) => ({ ...stored, status: 'running' }));
    await new Promise<void>((resolve, reject) => {
      finishers.set(jobId, resolve);
      // Aborted while it was marking itself running (a close right after a recover).
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }).catch(async (error: unknown) => {
      await jobs.update(jobId, (stored) => ({ ...stored, status: 'cancelled', errorCode: 'cancelled' }));
      throw error;
    });
    await jobs.update(jobId, (stored) => ({ ...stored, status: 'done' }));
  };
  const waitStarted = async (jobId: string) => {
    while (!finishers.has(jobId)) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return {
    executor,
    started,
    waitStarted,
    async finish(jobId: string) {
      await waitStarted(jobId);
      finishers.get(jobId)?.();
    },
  };
}

function events(
  runner: { subscribe(id: string, listener: (event: ProgressEvent) => void): () => void },
  id: string,
) {
  const seen: string[] = [];
  runner.subscribe(id, (event) => seen.push(event.type));
  return seen;
}

function untilDone(seen: string[]): Promise<void> {
  return (async () => {
    while (!seen.includes('done') && !seen.includes('failed'))
      await new Promise((resolve) => setTimeout(resolve, 1));
  })();
}

describe('local runner with a durable journal (SQLite file)', () => {
  it('a new process resumes interrupted jobs oldest first and fails the one whose inputs expired', async () => {
    const name = newDatabase();
    const first = await openProcess(name);
    const kept = await first.blobs.putImage(new Uint8Array([1, 2, 3]), 'image/png', ttlMs);
    await first.jobs.save(job('a', 'u1'));
    await first.jobs.save(job('b', 'u2', [kept]));
    await first.jobs.save(job('c', 'u1', ['0'.repeat(64)]));
    await first.jobs.save(job('d', 'u3'));
    const crashed = controlledExecutor(first.jobs);
    const before = createLocalRunner({
      executor: crashed.executor,
      globalConcurrency: 1,
      durable: first.durable,
    });
    for (const id of ['a', 'b', 'c', 'd']) await before.submit({ id, userId: id === 'c' ? 'u1' : `u-${id}` });
    await crashed.waitStarted('a');
    // The first process "crashes": it is never closed and its job never finishes.

    const second = await openProcess(name);
    const resumed = controlledExecutor(second.jobs);
    const after = createLocalRunner({
      executor: resumed.executor,
      globalConcurrency: 1,
      durable: second.durable,
    });
    const seenD = events(after, 'd');
    const report = await after.recover();
    expect(report.resumed.map((entry) => entry.id)).toEqual(['a', 'b', 'd']);
    expect(report.failed).toEqual([
      { id: 'c', userId: 'u1', code: 'invalid_image', message: inputsExpiredMessage },
    ]);
    expect(report.finished).toEqual([]);
    expect((await second.jobs.get('c'))?.status).toBe('failed');
    expect((await second.jobs.get('c'))?.errorCode).toBe('invalid_image');
    expect(await after.activeJobs('u-b')).toEqual(['b']);

    for (const id of ['a', 'b', 'd']) await resumed.finish(id);
    await untilDone(seenD);
    expect(resumed.started).toEqual(['a', 'b', 'd']);
    expect((await second.durable.journal.list()).map((entry) => entry.id)).toEqual([]);
    for (const id of ['a', 'b', 'd']) expect((await second.jobs.get(id))?.status).toBe('done');

    // A third start finds nothing to resume: no job runs twice.
    const third = await openProcess(name);
    const again = createLocalRunner({
      executor: resumed.executor,
      globalConcurrency: 1,
      durable: third.durable,
    });
    expect(await again.recover()).toEqual({ resumed: [], finished: [], failed: [] });
    await Promise.all([after.close(), again.close()]);
    await Promise.all([first.store.close(), second.store.close(), third.store.close()]);
  });

  it('a job that finished before the crash is reported as finished, not run again', async () => {
    const name = newDatabase();
    const first = await openProcess(name);
    await first.jobs.save(job('a', 'u1'));
    await first.durable.journal.add({ id: 'a', userId: 'u1' });
    // The executor stored the result, then the process died before the journal was updated.
    await first.jobs.update('a', (stored) => ({ ...stored, status: 'done' }));
    const second = await openProcess(name);
    const work = controlledExecutor(second.jobs);
    const runner = createLocalRunner({
      executor: work.executor,
      globalConcurrency: 1,
      durable: second.durable,
    });
    expect(await runner.recover()).toEqual({
      resumed: [],
      finished: [{ id: 'a', userId: 'u1' }],
      failed: [],
    });
    expect(work.started).toEqual([]);
    await runner.close();
    await Promise.all([first.store.close(), second.store.close()]);
  });

  it('close(grace) lets running jobs finish within the grace and keeps queued ones for the next start', async () => {
    const name = newDatabase();
    const first = await openProcess(name);
    for (const id of ['quick', 'slow', 'waiting']) await first.jobs.save(job(id, `u-${id}`));
    const work = controlledExecutor(first.jobs);
    const runner = createLocalRunner({
      executor: work.executor,
      globalConcurrency: 2,
      durable: first.durable,
    });
    const seen = {
      quick: events(runner, 'quick'),
      slow: events(runner, 'slow'),
      waiting: events(runner, 'waiting'),
    };
    for (const id of ['quick', 'slow', 'waiting']) await runner.submit({ id, userId: `u-${id}` });
    await work.waitStarted('slow');
    const closing = runner.close(60_000);
    await work.finish('quick');
    await untilDone(seen.quick);
    expect(seen.quick).toContain('done');
    expect(seen.waiting).not.toContain('cancelled');
    await expect(runner.submit({ id: 'late', userId: 'u' })).rejects.toMatchObject({ code: 'cancelled' });
    await work.finish('slow');
    await closing;
    expect(seen.slow).toContain('done');

    const second = await openProcess(name);
    const resumed = controlledExecutor(second.jobs);
    const next = createLocalRunner({
      executor: resumed.executor,
      globalConcurrency: 2,
      durable: second.durable,
    });
    expect((await next.recover()).resumed.map((entry) => entry.id)).toEqual(['waiting']);
    await next.close();
    await Promise.all([first.store.close(), second.store.close()]);
  });

  it('close(0) hands a running job back: not cancelled for its user, resumed by the next start', async () => {
    const name = newDatabase();
    const first = await openProcess(name);
    await first.jobs.save(job('slow', 'u1'));
    const work = controlledExecutor(first.jobs);
    const runner = createLocalRunner({
      executor: work.executor,
      globalConcurrency: 1,
      durable: first.durable,
    });
    const seen = events(runner, 'slow');
    await runner.submit({ id: 'slow', userId: 'u1' });
    await work.waitStarted('slow');
    await runner.close(0);
    expect(seen).not.toContain('cancelled');
    expect(seen).not.toContain('failed');

    const second = await openProcess(name);
    const resumed = controlledExecutor(second.jobs);
    const next = createLocalRunner({
      executor: resumed.executor,
      globalConcurrency: 1,
      durable: second.durable,
    });
    const after = events(next, 'slow');
    expect((await next.recover()).resumed).toEqual([{ id: 'slow', userId: 'u1' }]);
    expect((await second.jobs.get('slow'))?.status).toBe('queued');
    await resumed.finish('slow');
    await untilDone(after);
    expect(resumed.started).toEqual(['slow']);
    await next.close();
    await Promise.all([first.store.close(), second.store.close()]);
  });

  it('a bot killed with SIGKILL while one job runs and three wait: the next start runs all four, once each', async () => {
    const name = newDatabase();
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      fileURLToPath(new URL('./durable-runner-child.ts', import.meta.url)),
      join(directory, `${name}.sqlite`),
      join(directory, `${name}-images`),
      'j1',
      'j2',
      'j3',
      'j4',
    ]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // j1 starts at once; the test waits until all four are journalled before the kill.
    const reopened = await openProcess(name);
    while (!output.includes('started j1') || (await reopened.durable.journal.list()).length < 4) {
      if (child.exitCode !== null) throw new Error(`child exited early: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await exited;

    const work = controlledExecutor(reopened.jobs);
    const runner = createLocalRunner({
      executor: work.executor,
      globalConcurrency: 1,
      durable: reopened.durable,
    });
    const seen = events(runner, 'j4');
    const report = await runner.recover();
    expect(report.resumed).toEqual(['j1', 'j2', 'j3', 'j4'].map((id) => ({ id, userId: `user-${id}` })));
    for (const id of ['j1', 'j2', 'j3', 'j4']) await work.finish(id);
    await untilDone(seen);
    expect(work.started).toEqual(['j1', 'j2', 'j3', 'j4']);
    expect(await reopened.durable.journal.list()).toEqual([]);
    await runner.close();
    await reopened.store.close();
  });
});
