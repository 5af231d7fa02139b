import { afterEach, describe, expect, it } from 'vitest';
import { ImagineError } from '../../../src/core/errors.js';
import type { ProgressEvent } from '../../../src/core/jobs/job.js';
import {
  type Clock,
  createLocalRunner,
  type LocalRunnerOptions,
} from '../../../src/core/jobs/local-runner.js';
import type { JobHooks, JobRunner } from '../../../src/core/jobs/runner.js';
import type { LogFields } from '../../../src/core/logger.js';

/** Time moves only when a test says so; intervals fire in time order while it does. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  let nextHandle = 0;
  const intervals = new Map<number, { callback: () => void; ms: number; due: number }>();
  const clock: Clock = {
    now: () => now,
    setInterval(callback, ms) {
      nextHandle += 1;
      intervals.set(nextHandle, { callback, ms, due: now + ms });
      return nextHandle;
    },
    clearInterval(handle) {
      if (typeof handle === 'number') intervals.delete(handle);
    },
  };
  return {
    clock,
    activeIntervals: () => intervals.size,
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        const due = [...intervals.values()].sort((first, second) => first.due - second.due)[0];
        if (due === undefined || due.due > target) break;
        now = due.due;
        due.due += due.ms;
        due.callback();
      }
      now = target;
    },
  };
}

interface Call {
  signal: AbortSignal;
  /** Tells the runner the job's upstream call went out (a job started ahead runs from here). */
  upstreamStarted(): void;
  /** Tells the runner the job's upstream call is over (its slot may go to the next job). */
  upstreamDone(): void;
  resolve(): void;
  reject(error: unknown): void;
}

/** An executor whose every call waits until the test settles it. */
function controlledExecutor() {
  const calls = new Map<string, Call>();
  const order: string[] = [];
  const executor = (jobId: string, signal: AbortSignal, hooks: JobHooks = {}) =>
    new Promise<void>((resolve, reject) => {
      order.push(jobId);
      calls.set(jobId, {
        signal,
        upstreamStarted: () => hooks.upstreamStarted?.(),
        upstreamDone: () => hooks.upstreamDone?.(),
        resolve,
        reject,
      });
    });
  const call = (jobId: string): Call => {
    const found = calls.get(jobId);
    if (found === undefined) throw new Error(`the executor was never called for ${jobId}`);
    return found;
  };
  const resolveAll = () => {
    for (const pending of calls.values()) pending.resolve();
  };
  return { executor, order, call, resolveAll };
}

/** Lets settled executor promises reach the runner. */
/** The settled job's follow-ups (a turn), then the runner's position announcements (a timer, once per turn). */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setTimeout(resolve, 1)));

function recordingLogger() {
  const lines: { level: string; message: string; fields: LogFields | undefined }[] = [];
  return {
    lines,
    warn: (message: string, fields?: LogFields) => lines.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: LogFields) => lines.push({ level: 'error', message, fields }),
  };
}

describe('createLocalRunner', () => {
  const runners: JobRunner[] = [];
  let time = fakeClock();
  let work = controlledExecutor();
  let logger = recordingLogger();
  const events = new Map<string, ProgressEvent[]>();

  function open(overrides: Partial<LocalRunnerOptions> = {}): JobRunner {
    time = fakeClock();
    work = controlledExecutor();
    logger = recordingLogger();
    const runner = createLocalRunner({
      executor: work.executor,
      globalConcurrency: 2,
      perUserConcurrency: 2,
      progressIntervalMs: 5000,
      clock: time.clock,
      logger,
      ...overrides,
    });
    runners.push(runner);
    return runner;
  }

  /** Submits and subscribes at once, as an adapter does; returns the submit answer. */
  async function submit(runner: JobRunner, id: string, userId: string): Promise<number> {
    const { position } = await runner.submit({ id, userId });
    const seen: ProgressEvent[] = [];
    events.set(id, seen);
    runner.subscribe(id, (event) => seen.push(event));
    return position;
  }

  const seenBy = (id: string) => (events.get(id) ?? []).map(({ jobId: _jobId, ...event }) => event);

  afterEach(async () => {
    work.resolveAll();
    await Promise.all(runners.splice(0).map((runner) => runner.close()));
    events.clear();
  });

  it('starts jobs at once up to the global cap, then queues the rest in FIFO order', async () => {
    const runner = open();
    expect(await submit(runner, 'a', 'alice')).toBe(0);
    expect(await submit(runner, 'b', 'bob')).toBe(0);
    expect(await submit(runner, 'c', 'carol')).toBe(1);
    expect(await submit(runner, 'd', 'dave')).toBe(2);
    expect(work.order).toEqual(['a', 'b']);

    work.call('b').resolve();
    await settle();
    expect(work.order).toEqual(['a', 'b', 'c']);
    work.call('a').resolve();
    await settle();
    expect(work.order).toEqual(['a', 'b', 'c', 'd']);

    expect(seenBy('a')).toEqual([{ type: 'running', elapsedMs: 0 }, { type: 'done' }]);
    expect(seenBy('b')).toEqual([{ type: 'running', elapsedMs: 0 }, { type: 'done' }]);
    expect(seenBy('c')).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
    ]);
    expect(seenBy('d')).toEqual([
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
    ]);
  });

  it('gives a slot to the next job once a job says its upstream call is done, while it still stores its results', async () => {
    const runner = open({ globalConcurrency: 1 });
    await submit(runner, 'a', 'alice');
    await submit(runner, 'b', 'bob');
    await submit(runner, 'c', 'carol');
    expect(work.order).toEqual(['a']);

    work.call('a').upstreamDone();
    expect(work.order).toEqual(['a', 'b']);
    // Said twice (or said, then settled), it frees one slot only.
    work.call('a').upstreamDone();
    work.call('a').resolve();
    await settle();
    expect(work.order).toEqual(['a', 'b']);
    expect(await runner.activeJobs('alice')).toEqual([]);
    expect(seenBy('a')).toEqual([{ type: 'running', elapsedMs: 0 }, { type: 'done' }]);
    expect(seenBy('c')).toEqual([
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
    ]);

    work.call('b').resolve();
    await settle();
    expect(work.order).toEqual(['a', 'b', 'c']);
  });

  it('starts jobs ahead of the slots, each queued to its user in its place until its call goes out', async () => {
    const runner = open({ startedAhead: 2 });
    expect(await submit(runner, 'a', 'alice')).toBe(0);
    expect(await submit(runner, 'b', 'bob')).toBe(0);
    expect(await submit(runner, 'c', 'carol')).toBe(1);
    expect(await submit(runner, 'd', 'dave')).toBe(2);
    expect(await submit(runner, 'e', 'erin')).toBe(3);
    // c and d are started: their calls can wait at the image API's cap, ready to go.
    expect(work.order).toEqual(['a', 'b', 'c', 'd']);
    expect(await runner.stats()).toEqual({ queued: 3, running: 2 });

    // a's call ends: e starts ahead too; c's call takes the slot and c runs; d and e move up.
    work.call('a').upstreamDone();
    expect(work.order).toEqual(['a', 'b', 'c', 'd', 'e']);
    work.call('c').upstreamStarted();
    work.call('c').upstreamStarted();
    await settle();
    expect(seenBy('c')).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
    ]);
    const dWaiting = [
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
    ];
    expect(seenBy('d')).toEqual(dWaiting);
    expect(seenBy('e')).toEqual([
      { type: 'queued', position: 3 },
      { type: 'queued', position: 2 },
    ]);
    expect(await runner.stats()).toEqual({ queued: 2, running: 3 });

    // A late subscriber hears the place of a job started ahead, not that it runs.
    const late: ProgressEvent[] = [];
    runner.subscribe('e', (event) => late.push(event));
    expect(late).toEqual([{ jobId: 'e', type: 'queued', position: 2 }]);

    // The progress timer speaks for running jobs only.
    time.advance(5000);
    expect(seenBy('d')).toEqual(dWaiting);
    expect(seenBy('c')).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
      { type: 'running', elapsedMs: 5000 },
    ]);

    // An executor that settles without saying its call went out (it ran nothing upstream) is simply done.
    work.call('d').resolve();
    await settle();
    expect(seenBy('d')).toEqual([...dWaiting, { type: 'done' }]);
    expect(seenBy('e')).toEqual([
      { type: 'queued', position: 3 },
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
    ]);
  });

  it('cancels a job started ahead as a queued one: its call is aborted, it never runs, those behind move up', async () => {
    const runner = open({ globalConcurrency: 1, startedAhead: 1 });
    await submit(runner, 'a', 'alice');
    await submit(runner, 'b', 'bob');
    await submit(runner, 'c', 'carol');
    expect(work.order).toEqual(['a', 'b']);

    expect(await runner.cancel('b')).toBe(true);
    expect(work.call('b').signal.aborted).toBe(true);
    expect(seenBy('b')).toEqual([{ type: 'queued', position: 1 }, { type: 'cancelled' }]);
    expect(seenBy('c')).toEqual([
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
    ]);
    expect(await runner.activeJobs('bob')).toEqual([]);
    // Its slot is free once its executor settles; then c starts ahead.
    work.call('b').reject(new ImagineError('cancelled', 'The job was cancelled.'));
    await settle();
    expect(work.order).toEqual(['a', 'b', 'c']);
    expect(seenBy('b')).toEqual([{ type: 'queued', position: 1 }, { type: 'cancelled' }]);
  });

  it("counts a user's jobs started ahead against their cap", async () => {
    const runner = open({ globalConcurrency: 1, startedAhead: 4, perUserConcurrency: 2 });
    await submit(runner, 'a1', 'alice');
    await submit(runner, 'a2', 'alice');
    await submit(runner, 'a3', 'alice');
    await submit(runner, 'b1', 'bob');
    expect(work.order).toEqual(['a1', 'a2', 'b1']);
  });

  it('tells each queued job its new place once per turn, however many jobs start in that turn', async () => {
    const runner = open({ globalConcurrency: 16, perUserConcurrency: 100 });
    const ids = Array.from({ length: 50 }, (_, index) => `job-${index}`);
    for (const id of ids) await submit(runner, id, 'alice');
    expect(work.order).toHaveLength(16);
    const queuedEvents = () =>
      ids.flatMap((id) => seenBy(id)).filter((event) => event.type === 'queued').length;
    const before = queuedEvents();

    // A wave: all 16 upstream calls end in one turn, 16 queued jobs start.
    for (const id of ids.slice(0, 16)) work.call(id).upstreamDone();
    expect(work.order).toHaveLength(32);
    await settle();
    // The 18 still queued hear their new place once each (not once per start: 16 × 18).
    expect(queuedEvents() - before).toBe(18);
    expect(seenBy('job-32').at(-1)).toEqual({ type: 'queued', position: 1 });
    expect(seenBy('job-49').at(-1)).toEqual({ type: 'queued', position: 18 });
  });

  it('counts a job whose upstream call is done against nobody: its user may start another', async () => {
    const runner = open({ globalConcurrency: 4, perUserConcurrency: 1 });
    await submit(runner, 'a1', 'alice');
    await submit(runner, 'a2', 'alice');
    expect(work.order).toEqual(['a1']);
    work.call('a1').upstreamDone();
    expect(work.order).toEqual(['a1', 'a2']);
    expect(await runner.activeJobs('alice')).toEqual(['a1', 'a2']);
  });

  it("lets another user's job overtake a user at their cap, keeping FIFO among the eligible", async () => {
    const runner = open({ globalConcurrency: 3, perUserConcurrency: 1 });
    expect(await submit(runner, 'alice-1', 'alice')).toBe(0);
    expect(await submit(runner, 'alice-2', 'alice')).toBe(1);
    expect(await submit(runner, 'bob-1', 'bob')).toBe(0);
    expect(await submit(runner, 'alice-3', 'alice')).toBe(2);
    expect(await submit(runner, 'carol-1', 'carol')).toBe(0);
    expect(await submit(runner, 'dave-1', 'dave')).toBe(3);
    expect(await submit(runner, 'erin-1', 'erin')).toBe(4);
    expect(work.order).toEqual(['alice-1', 'bob-1', 'carol-1']);

    // Bob's slot frees: alice is still at her cap, so dave (behind two of hers) starts, not alice-2.
    work.call('bob-1').resolve();
    await settle();
    expect(work.order).toEqual(['alice-1', 'bob-1', 'carol-1', 'dave-1']);
    expect(await runner.activeJobs('alice')).toEqual(['alice-1', 'alice-2', 'alice-3']);

    work.call('alice-1').resolve();
    await settle();
    expect(work.order).toEqual(['alice-1', 'bob-1', 'carol-1', 'dave-1', 'alice-2']);

    expect(seenBy('alice-2')).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
    ]);
    expect(seenBy('alice-3')).toEqual([
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
    ]);
    expect(seenBy('dave-1')).toEqual([
      { type: 'queued', position: 3 },
      { type: 'running', elapsedMs: 0 },
    ]);
    expect(seenBy('erin-1')).toEqual([
      { type: 'queued', position: 4 },
      { type: 'queued', position: 3 },
      { type: 'queued', position: 2 },
    ]);
  });

  it('applies the default per-user cap of 2', async () => {
    const defaults = controlledExecutor();
    const runner = createLocalRunner({ executor: defaults.executor, globalConcurrency: 5 });
    expect(await runner.submit({ id: 'one', userId: 'alice' })).toEqual({ position: 0 });
    expect(await runner.submit({ id: 'two', userId: 'alice' })).toEqual({ position: 0 });
    expect(await runner.submit({ id: 'three', userId: 'alice' })).toEqual({ position: 1 });
    expect(await runner.submit({ id: 'four', userId: 'bob' })).toEqual({ position: 0 });
    expect(defaults.order).toEqual(['one', 'two', 'four']);
    defaults.resolveAll();
    await runner.close();
  });

  it('reports elapsed time every interval from the injected clock, and stops when the job ends', async () => {
    const runner = open();
    await submit(runner, 'a', 'alice');
    time.advance(4999);
    expect(seenBy('a')).toEqual([{ type: 'running', elapsedMs: 0 }]);
    time.advance(1);
    time.advance(12_000);
    work.call('a').resolve();
    await settle();
    expect(time.activeIntervals()).toBe(0);
    time.advance(60_000);
    expect(seenBy('a')).toEqual([
      { type: 'running', elapsedMs: 0 },
      { type: 'running', elapsedMs: 5000 },
      { type: 'running', elapsedMs: 10_000 },
      { type: 'running', elapsedMs: 15_000 },
      { type: 'done' },
    ]);
  });

  it('sends a late subscriber the current state only: position, or elapsed time', async () => {
    const runner = open({ globalConcurrency: 1 });
    await runner.submit({ id: 'a', userId: 'alice' });
    await runner.submit({ id: 'b', userId: 'bob' });
    time.advance(7000);
    const running: ProgressEvent[] = [];
    const queued: ProgressEvent[] = [];
    runner.subscribe('a', (event) => running.push(event));
    runner.subscribe('b', (event) => queued.push(event));
    expect(running).toEqual([{ jobId: 'a', type: 'running', elapsedMs: 7000 }]);
    expect(queued).toEqual([{ jobId: 'b', type: 'queued', position: 1 }]);

    work.call('a').resolve();
    await settle();
    const finished: ProgressEvent[] = [];
    runner.subscribe('a', (event) => finished.push(event));
    runner.subscribe('unknown', (event) => finished.push(event));
    expect(finished).toEqual([]);
    expect(running).toEqual([
      { jobId: 'a', type: 'running', elapsedMs: 7000 },
      { jobId: 'a', type: 'done' },
    ]);
  });

  it('delivers every event to a listener that subscribed before submitting', async () => {
    const runner = open({ globalConcurrency: 1 });
    await runner.submit({ id: 'a', userId: 'alice' });
    const seen: ProgressEvent[] = [];
    runner.subscribe('b', (event) => seen.push(event));
    await runner.submit({ id: 'b', userId: 'bob' });
    work.call('a').resolve();
    await settle();
    work.call('b').resolve();
    await settle();
    expect(seen.map(({ jobId: _jobId, ...event }) => event)).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
      { type: 'done' },
    ]);
  });

  it('reports an ImagineError with its code and message', async () => {
    const runner = open();
    await submit(runner, 'a', 'alice');
    work.call('a').reject(new ImagineError('content_policy', 'The provider refused this prompt.'));
    await settle();
    expect(seenBy('a')).toEqual([
      { type: 'running', elapsedMs: 0 },
      { type: 'failed', code: 'content_policy', message: 'The provider refused this prompt.' },
    ]);
    expect(await runner.activeJobs('alice')).toEqual([]);
  });

  it('hides the message of any other error behind a generic one, logging it for the operator', async () => {
    const runner = open();
    await submit(runner, 'a', 'alice');
    work.call('a').reject(new TypeError("Cannot read properties of undefined (reading 'hash')"));
    await settle();
    expect(seenBy('a')).toEqual([
      { type: 'running', elapsedMs: 0 },
      { type: 'failed', code: 'internal', message: 'Something went wrong.' },
    ]);
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'job failed unexpectedly',
        fields: { jobId: 'a', error: "Cannot read properties of undefined (reading 'hash')" },
      },
    ]);
  });

  it('removes a cancelled queued job at once, never runs it, and moves those behind it up', async () => {
    const runner = open({ globalConcurrency: 1 });
    await submit(runner, 'a', 'alice');
    await submit(runner, 'b', 'bob');
    await submit(runner, 'c', 'carol');
    await submit(runner, 'd', 'dave');
    expect(await runner.cancel('c')).toBe(true);
    expect(await runner.cancel('c')).toBe(false);
    expect(await runner.activeJobs('carol')).toEqual([]);

    work.call('a').resolve();
    await settle();
    work.call('b').resolve();
    await settle();
    expect(work.order).toEqual(['a', 'b', 'd']);
    expect(seenBy('b')).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
      { type: 'done' },
    ]);
    expect(seenBy('c')).toEqual([{ type: 'queued', position: 2 }, { type: 'cancelled' }]);
    expect(seenBy('d')).toEqual([
      { type: 'queued', position: 3 },
      { type: 'queued', position: 2 },
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
    ]);
  });

  it('aborts a running job, says cancelled at once, and frees its slot only when the executor settles', async () => {
    const runner = open({ globalConcurrency: 1 });
    await submit(runner, 'a', 'alice');
    await submit(runner, 'b', 'bob');
    const signal = work.call('a').signal;
    expect(await runner.cancel('a')).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: 'cancelled' });
    expect(seenBy('a')).toEqual([{ type: 'running', elapsedMs: 0 }, { type: 'cancelled' }]);
    expect(await runner.activeJobs('alice')).toEqual([]);
    expect(await runner.cancel('a')).toBe(false);

    time.advance(20_000);
    await settle();
    expect(work.order).toEqual(['a']);
    expect(seenBy('b')).toEqual([{ type: 'queued', position: 1 }]);

    // The executor throws on abort, as it should: still "cancelled", never "failed".
    work.call('a').reject(signal.reason);
    await settle();
    expect(work.order).toEqual(['a', 'b']);
    expect(seenBy('a')).toEqual([{ type: 'running', elapsedMs: 0 }, { type: 'cancelled' }]);
    expect(seenBy('b')).toEqual([
      { type: 'queued', position: 1 },
      { type: 'running', elapsedMs: 0 },
    ]);
    expect(time.activeIntervals()).toBe(1);
  });

  it('never calls the executor for a job cancelled by a listener on its first running event', async () => {
    const runner = open({ globalConcurrency: 1 });
    await submit(runner, 'a', 'alice');
    await runner.submit({ id: 'b', userId: 'bob' });
    await submit(runner, 'c', 'carol');
    const seen: ProgressEvent[] = [];
    runner.subscribe('b', (event) => {
      seen.push(event);
      if (event.type === 'running') void runner.cancel('b');
    });
    work.call('a').resolve();
    await settle();
    expect(seen).toEqual([
      { jobId: 'b', type: 'queued', position: 1 },
      { jobId: 'b', type: 'running', elapsedMs: 0 },
      { jobId: 'b', type: 'cancelled' },
    ]);
    expect(work.order).toEqual(['a', 'c']);
    // b's slot was free again before positions were announced: c goes straight from 2 to running.
    expect(seenBy('c')).toEqual([
      { type: 'queued', position: 2 },
      { type: 'running', elapsedMs: 0 },
    ]);
  });

  it('answers false when cancelling an unknown or finished job', async () => {
    const runner = open();
    await submit(runner, 'a', 'alice');
    work.call('a').resolve();
    await settle();
    expect(await runner.cancel('a')).toBe(false);
    expect(await runner.cancel('never-submitted')).toBe(false);
  });

  it('keeps running when a listener throws, and logs it', async () => {
    const runner = open();
    await runner.submit({ id: 'a', userId: 'alice' });
    runner.subscribe('a', () => {
      throw new Error('adapter broke');
    });
    const seen: ProgressEvent[] = [];
    runner.subscribe('a', (event) => seen.push(event));
    work.call('a').resolve();
    await settle();
    expect(seen).toEqual([
      { jobId: 'a', type: 'running', elapsedMs: 0 },
      { jobId: 'a', type: 'done' },
    ]);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'job progress listener failed',
        fields: { jobId: 'a', error: 'adapter broke' },
      },
      {
        level: 'warn',
        message: 'job progress listener failed',
        fields: { jobId: 'a', error: 'adapter broke' },
      },
    ]);
  });

  it('stops sending to a listener once it unsubscribes', async () => {
    const runner = open();
    await runner.submit({ id: 'a', userId: 'alice' });
    const seen: ProgressEvent[] = [];
    const unsubscribe = runner.subscribe('a', (event) => seen.push(event));
    unsubscribe();
    time.advance(5000);
    expect(seen).toEqual([{ jobId: 'a', type: 'running', elapsedMs: 0 }]);
  });

  it('refuses a job id that is already queued or running', async () => {
    const runner = open();
    await runner.submit({ id: 'a', userId: 'alice' });
    await expect(runner.submit({ id: 'a', userId: 'alice' })).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'Job a is already queued or running.',
    });
  });

  it('lists active jobs of a user oldest first, running and queued', async () => {
    const runner = open({ globalConcurrency: 1 });
    await runner.submit({ id: 'a1', userId: 'alice' });
    await runner.submit({ id: 'b1', userId: 'bob' });
    await runner.submit({ id: 'a2', userId: 'alice' });
    expect(await runner.activeJobs('alice')).toEqual(['a1', 'a2']);
    expect(await runner.activeJobs('bob')).toEqual(['b1']);
    expect(await runner.activeJobs('nobody')).toEqual([]);
  });

  it('on close, cancels queued jobs, aborts running ones, waits for executors and takes no more', async () => {
    const runner = open({ globalConcurrency: 1 });
    await submit(runner, 'a', 'alice');
    await submit(runner, 'b', 'bob');
    let closed = false;
    const closing = runner.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    expect(work.call('a').signal.aborted).toBe(true);
    expect(seenBy('a')).toEqual([{ type: 'running', elapsedMs: 0 }, { type: 'cancelled' }]);
    expect(seenBy('b')).toEqual([{ type: 'queued', position: 1 }, { type: 'cancelled' }]);

    work.call('a').resolve();
    await closing;
    expect(closed).toBe(true);
    expect(work.order).toEqual(['a']);
    expect(time.activeIntervals()).toBe(0);
    await expect(runner.submit({ id: 'c', userId: 'carol' })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
