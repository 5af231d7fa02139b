import { ImagineError, isImagineError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { ProgressEvent } from './job.js';
import { type DurableJobsDependencies, sortInterruptedJobs } from './recover-jobs.js';
import {
  type DurableJobRunner,
  handedBackMarker,
  type JobExecutor,
  type JobRunner,
  type RecoveryReport,
} from './runner.js';
import { type Clock, systemClock } from './runner-clock.js';

/** Re-exported: callers take the runner's clock from the runner. */
export { type Clock, systemClock } from './runner-clock.js';

export type RunnerLogger = Pick<Logger, 'warn' | 'error'>;

export interface LocalRunnerOptions {
  executor: JobExecutor;
  /** Jobs running at once in this process (a job that said its upstream call is done no longer counts). */
  globalConcurrency: number;
  /** Jobs of one user running at once (counted as globalConcurrency is). Default 2. */
  perUserConcurrency?: number;
  /**
   * Jobs started beyond globalConcurrency, whose image API calls wait at the client's own cap: the moment a call
   * ends, the next one goes out without waiting for this process to start its job. To their users they stay
   * queued, in their place, until their call goes out (the executor's `upstreamStarted`). Default 0.
   */
  startedAhead?: number;
  /** How often a running job reports its elapsed time. Default 5 s. */
  progressIntervalMs?: number;
  clock?: Clock;
  logger?: RunnerLogger;
  /** Keeps queued and running jobs in the store so the next process `recover()`s them. */
  durable?: DurableJobsDependencies;
}

type Listener = (event: ProgressEvent) => void;

interface QueuedJob {
  id: string;
  userId: string;
  sequence: number;
  /** The position last announced (or returned by submit). */
  position: number;
}

interface RunningJob {
  id: string;
  userId: string;
  sequence: number;
  startedAt: number;
  controller: AbortController;
  /** Set once cancelled: the user was told, but the slot stays taken until the executor settles. */
  cancelled: boolean;
  /** Until the executor says its upstream call is done, or settles. */
  holdsSlot: boolean;
  /** Running to its user; a job started ahead is queued until its call goes out. */
  promoted: boolean;
  /** Started ahead: the place last announced. */
  position: number;
  /** Aborted by a shutdown: kept in the journal for the next start, and its users hear nothing now. */
  handedBack: boolean;
  settled: Promise<void>;
}

const genericFailure = 'Something went wrong.';

/**
 * A FIFO queue and a worker pool in one process. A user at their cap does not hold up other users: the first
 * eligible job in queue order starts. Progress goes to per-job listeners; a throwing listener is logged only.
 */
export function createLocalRunner(
  options: LocalRunnerOptions & { durable: DurableJobsDependencies },
): DurableJobRunner;
export function createLocalRunner(options: LocalRunnerOptions): JobRunner;
export function createLocalRunner(options: LocalRunnerOptions): DurableJobRunner {
  const { executor, globalConcurrency } = options;
  const perUserConcurrency = options.perUserConcurrency ?? 2;
  const startedAhead = options.startedAhead ?? 0;
  const progressIntervalMs = options.progressIntervalMs ?? 5000;
  const clock = options.clock ?? systemClock();
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const journal = options.durable?.journal;

  const queue: QueuedJob[] = [];
  const running = new Map<string, RunningJob>();
  const listeners = new Map<string, Set<Listener>>();
  let sequence = 0;
  let slotsTaken = 0;
  let closed = false;
  let pumping = false;
  let announceScheduled = false;
  let pumpRequested = false;

  function deliver(listener: Listener, event: ProgressEvent): void {
    try {
      listener(event);
    } catch (error) {
      logger.warn('job progress listener failed', {
        jobId: event.jobId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  function emit(event: ProgressEvent): void {
    const subscribed = listeners.get(event.jobId);
    if (subscribed === undefined) return;
    // Nothing follows a final event, so its listeners go now.
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
      listeners.delete(event.jobId);
    }
    for (const listener of [...subscribed]) deliver(listener, event);
  }

  function runningCount(userId: string): number {
    let count = 0;
    for (const job of running.values()) if (job.holdsSlot && job.userId === userId) count += 1;
    return count;
  }

  function nextEligibleIndex(): number {
    if (slotsTaken >= globalConcurrency + startedAhead) return -1;
    return queue.findIndex((job) => runningCount(job.userId) < perUserConcurrency);
  }

  /**
   * Once per turn of the event loop, after the turn's starts: every start moves each queued job up by one, so
   * announcing on each start would tell 184 queued jobs 16 times a wave of 16 answers — work that sat between
   * each answer of the image API and the next job's call.
   */
  function announcePositionsSoon(): void {
    if (announceScheduled) return;
    announceScheduled = true;
    const announce = () => {
      announceScheduled = false;
      if (!closed) announcePositions();
    };
    // A timer, not setImmediate: the calls the freed slots started go out first (undici writes a reused
    // connection's request in the check phase), then the queued jobs hear their places.
    setTimeout(announce, 0);
  }

  /** Jobs started ahead whose calls wait for a slot (in the order they started), then the queue. */
  function waiting(): Array<RunningJob | QueuedJob> {
    const ahead = [...running.values()].filter((job) => !job.promoted && !job.cancelled && !job.handedBack);
    return [...ahead, ...queue];
  }

  function announcePositions(): void {
    for (const [index, job] of waiting().entries()) {
      const position = index + 1;
      if (job.position === position) continue;
      job.position = position;
      emit({ jobId: job.id, type: 'queued', position });
    }
  }

  /**
   * Starts what may start. A submit, cancel or recovery announces the new positions at once; a slot freed by a
   * job announces them once this turn's starts are done (`announcePositionsSoon`).
   * Listeners may cancel or submit while we emit; such calls ask for another round instead of nesting.
   */
  function pump(announceNow = true): void {
    if (pumping) {
      pumpRequested = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpRequested = false;
        for (let index = nextEligibleIndex(); index >= 0 && !closed; index = nextEligibleIndex()) {
          const [job] = queue.splice(index, 1);
          if (job !== undefined) start(job);
        }
        if (announceNow) announcePositions();
      } while (pumpRequested);
      if (!announceNow) announcePositionsSoon();
    } finally {
      pumping = false;
    }
  }

  function start(queued: QueuedJob): void {
    const controller = new AbortController();
    slotsTaken += 1;
    const job: RunningJob = {
      id: queued.id,
      userId: queued.userId,
      sequence: queued.sequence,
      startedAt: clock.now(),
      controller,
      cancelled: false,
      holdsSlot: true,
      // Within the image API's slots its call goes out at once; beyond them it waits its turn there.
      promoted: slotsTaken <= globalConcurrency,
      position: queued.position,
      handedBack: false,
      settled: Promise.resolve(),
    };
    running.set(job.id, job);
    if (job.promoted) emit({ jobId: job.id, type: 'running', elapsedMs: 0 });
    job.settled = execute(job);
  }

  /** A job started ahead runs once its call goes out: its user hears it, the places behind it move up. */
  function promote(job: RunningJob): void {
    if (job.promoted || job.cancelled || job.handedBack) return;
    job.promoted = true;
    job.startedAt = clock.now();
    emit({ jobId: job.id, type: 'running', elapsedMs: 0 });
    announcePositionsSoon();
  }

  async function execute(job: RunningJob): Promise<void> {
    const timer = clock.setInterval(() => {
      if (!job.cancelled && job.promoted) {
        emit({ jobId: job.id, type: 'running', elapsedMs: clock.now() - job.startedAt });
      }
    }, progressIntervalMs);
    try {
      // A listener may have cancelled the job during its first event: then it never runs.
      if (!job.controller.signal.aborted) {
        await executor(job.id, job.controller.signal, {
          upstreamStarted: () => promote(job),
          upstreamDone: () => freeSlot(job, true),
        });
      }
      if (!job.cancelled && !job.handedBack) emit({ jobId: job.id, type: 'done' });
    } catch (error) {
      if (!job.cancelled && !job.handedBack) emit(failure(job.id, error));
    } finally {
      clock.clearInterval(timer);
      if (!job.handedBack && journal !== undefined) await forget(job.id);
      running.delete(job.id);
      freeSlot(job, false);
      pump(false);
    }
  }

  function freeSlot(job: RunningJob, startNext: boolean): void {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    slotsTaken -= 1;
    if (startNext) pump(false);
  }

  /** Takes a finished job out of the journal; a failing store is logged (the next start sorts it out). */
  async function forget(jobId: string): Promise<void> {
    if (journal === undefined) return;
    try {
      await journal.remove(jobId);
    } catch (error) {
      logger.warn('could not remove a finished job from the active journal', {
        jobId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Waits for running jobs up to `graceMs`; resolves early when they are all settled. */
  async function waitForRunning(graceMs: number): Promise<void> {
    const settled = Promise.all([...running.values()].map((job) => job.settled));
    if (graceMs <= 0) return;
    let timer: unknown;
    const expired = new Promise<void>((resolve) => {
      timer = clock.setInterval(resolve, graceMs);
    });
    await Promise.race([settled, expired]);
    clock.clearInterval(timer);
  }

  async function handBack(job: RunningJob): Promise<void> {
    job.handedBack = true;
    await journal?.markHandedBack(job.id);
    job.controller.abort(handedBackMarker);
  }

  function failure(jobId: string, error: unknown): ProgressEvent {
    if (isImagineError(error)) return { jobId, type: 'failed', code: error.code, message: error.message };
    // Internals (stack, paths, upstream text) stay in the operator's log.
    logger.error('job failed unexpectedly', {
      jobId,
      error: error instanceof Error ? error.message : String(error),
    });
    return { jobId, type: 'failed', code: 'internal', message: genericFailure };
  }

  function cancelRunning(job: RunningJob): void {
    job.cancelled = true;
    job.controller.abort(new ImagineError('cancelled', 'The job was cancelled.'));
    emit({ jobId: job.id, type: 'cancelled' });
  }

  function cancelQueued(index: number): void {
    const [job] = queue.splice(index, 1);
    if (job === undefined) return;
    emit({ jobId: job.id, type: 'cancelled' });
    void forget(job.id);
  }

  function currentState(jobId: string): ProgressEvent | undefined {
    const queued = queue.find((job) => job.id === jobId);
    if (queued !== undefined) return { jobId, type: 'queued', position: queued.position };
    const job = running.get(jobId);
    if (job === undefined || job.cancelled) return undefined;
    if (!job.promoted) return { jobId, type: 'queued', position: job.position };
    return { jobId, type: 'running', elapsedMs: clock.now() - job.startedAt };
  }

  return {
    async submit(job: { id: string; userId: string }): Promise<{ position: number }> {
      if (closed) throw new ImagineError('cancelled', 'The bot is shutting down; the job was not started.');
      if (running.has(job.id) || queue.some((queued) => queued.id === job.id)) {
        throw new ImagineError('invalid_request', `Job ${job.id} is already queued or running.`);
      }
      if (journal !== undefined) {
        const entry = await journal.add(job);
        sequence = Math.max(sequence, entry.sequence);
      } else sequence += 1;
      // Position 0 until announced, so a listener that subscribed before submitting hears its first place.
      queue.push({ id: job.id, userId: job.userId, sequence, position: 0 });
      pump();
      const started = running.get(job.id);
      if (started !== undefined) return { position: started.promoted ? 0 : started.position };
      const queued = queue.find((entry) => entry.id === job.id);
      return { position: queued?.position ?? 0 };
    },

    async cancel(jobId: string): Promise<boolean> {
      const index = queue.findIndex((job) => job.id === jobId);
      if (index >= 0) {
        cancelQueued(index);
        pump();
        return true;
      }
      const job = running.get(jobId);
      if (job === undefined || job.cancelled) return false;
      cancelRunning(job);
      // Started ahead: the jobs behind it move up now.
      if (!job.promoted) announcePositions();
      return true;
    },

    subscribe(jobId: string, listener: Listener): () => void {
      // A job not submitted yet may be subscribed to (subscribe, then submit, so no event is missed); a finished
      // job sends nothing more.
      const state = currentState(jobId);
      let subscribed = listeners.get(jobId);
      if (subscribed === undefined) {
        subscribed = new Set();
        listeners.set(jobId, subscribed);
      }
      // Wrapped so that subscribing the same function twice means two subscriptions.
      const entry: Listener = (event) => listener(event);
      subscribed.add(entry);
      if (state !== undefined) deliver(entry, state);
      return () => {
        listeners.get(jobId)?.delete(entry);
      };
    },

    async activeJobs(userId: string): Promise<string[]> {
      const active = [...running.values()].filter((job) => !job.cancelled);
      return [...active, ...queue]
        .filter((job) => job.userId === userId)
        .sort((first, second) => first.sequence - second.sequence)
        .map((job) => job.id);
    },

    async stats() {
      const active = [...running.values()].filter((job) => !job.cancelled && !job.handedBack);
      const promoted = active.filter((job) => job.promoted).length;
      return { queued: queue.length + active.length - promoted, running: promoted };
    },

    async recover(): Promise<RecoveryReport> {
      if (options.durable === undefined) return { resumed: [], finished: [], failed: [] };
      const { requeue, report } = await sortInterruptedJobs(options.durable);
      for (const entry of requeue) {
        sequence = Math.max(sequence, entry.sequence);
        queue.push({ id: entry.id, userId: entry.userId, sequence: entry.sequence, position: 0 });
      }
      pump();
      return report;
    },

    async close(graceMs = 0): Promise<void> {
      closed = true;
      // Durable: queued jobs stay in the journal for the next start; otherwise their users are told now.
      if (journal !== undefined) queue.length = 0;
      while (queue.length > 0) cancelQueued(0);
      await waitForRunning(graceMs);
      for (const job of running.values()) {
        if (job.cancelled || job.handedBack) continue;
        if (journal !== undefined) await handBack(job);
        else cancelRunning(job);
      }
      await Promise.all([...running.values()].map((job) => job.settled));
    },
  };
}
