import type { Queue, QueueEvents, Job as QueueJob, Worker } from 'bullmq';
import { ImagineError } from '../errors.js';
import { createLogger } from '../logger.js';
import { jobSignal } from './bullmq-job-signal.js';
import { createUserSlots, type RedisEval } from './bullmq-user-slots.js';
import {
  cancelMarker,
  decodeFailure,
  encodeFailure,
  handedBackMarker,
  redisConnection,
} from './bullmq-wire.js';
import type { ProgressEvent } from './job.js';
import type { RunnerLogger } from './local-runner.js';
import { createRecentIds } from './recent-ids.js';
import type { DurableJobRunner, JobExecutor, RecoveryReport } from './runner.js';

/**
 * The scale-out runner: every instance on the same redis:// URL and prefix shares one BullMQ queue.
 * - `globalConcurrency` is BullMQ's queue-wide global concurrency: the cap holds for the whole fleet.
 * - `perUserConcurrency` is enforced by leased per-user slots (bullmq-user-slots.ts); a job whose user is at the
 *   cap goes back to the queue delayed by `userRetryMs` without running (and without holding a global slot).
 * - A worker killed mid-job stops renewing its lock; after `stalledIntervalMs` another worker takes the job.
 * - cancel() from any instance: a queued job is removed; a running one is aborted on whichever worker runs it
 *   (a Redis pub/sub message → that worker's `cancelJob`, whose AbortSignal reaches the executor).
 * - Progress goes through BullMQ's QueueEvents, so subscribers on any instance hear it.
 * BullMQ is imported lazily: the CLI never loads it unless this runner is created.
 */
export interface BullmqRunnerOptions {
  redisUrl: string;
  executor: JobExecutor;
  /** Upstream calls at once across the whole fleet (IMAGE_API_CONCURRENCY). */
  globalConcurrency: number;
  /** Jobs of one user running at once across the fleet (USER_CONCURRENCY). Default 2. */
  perUserConcurrency?: number;
  /** Key prefix shared by the fleet; tests use a unique one. Default `imagine-bot:bull`. */
  prefix?: string;
  queueName?: string;
  /** false: a front end only (`start --no-worker`): submits, cancels and listens, runs nothing. */
  runWorker?: boolean;
  /** Jobs this instance's worker runs at once (the global cap still applies). Default `globalConcurrency`. */
  workerConcurrency?: number;
  /** How long a dead worker's job waits before another worker takes it. Default 30 s. */
  stalledIntervalMs?: number;
  progressIntervalMs?: number;
  userRetryMs?: number;
  logger?: RunnerLogger;
}

type Listener = (event: ProgressEvent) => void;
const cancelMemoryMs = 60 * 60 * 1000;
interface JobData {
  userId: string;
}

export async function createBullmqRunner(options: BullmqRunnerOptions): Promise<DurableJobRunner> {
  const { Queue, QueueEvents, Worker, DelayedError, WaitingError, UnrecoverableError } = await import(
    'bullmq'
  );
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const prefix = options.prefix ?? 'imagine-bot:bull';
  const name = options.queueName ?? 'jobs';
  const connection = redisConnection(options.redisUrl);
  const stalledIntervalMs = options.stalledIntervalMs ?? 30_000;
  const progressIntervalMs = options.progressIntervalMs ?? 5000;
  const queue: Queue<JobData> = new Queue<JobData>(name, { connection, prefix });
  await queue.setGlobalConcurrency(options.globalConcurrency);
  const events: QueueEvents = new QueueEvents(name, { connection, prefix });
  const redis = (await queue.client) as unknown as RedisEval & {
    duplicate(): RedisEval & {
      subscribe(channel: string): Promise<unknown>;
      publish(channel: string, message: string): Promise<unknown>;
      on(event: 'message', listener: (channel: string, message: string) => void): void;
      quit(): Promise<unknown>;
    };
    publish(channel: string, message: string): Promise<unknown>;
  };
  const slots = createUserSlots(redis, {
    prefix: `${prefix}:${name}`,
    perUser: options.perUserConcurrency ?? 2,
    leaseMs: stalledIntervalMs,
  });
  const cancelChannel = `${prefix}:${name}:cancel`;
  const listeners = new Map<string, Set<Listener>>();
  const queuedHere = new Map<string, { userId: string; position: number }>();
  // Cancelled jobs this instance has heard of: one may still be taken from the queue (a cancel that raced a worker,
  // a job put back delayed while its user was at the cap), and it must then not run. Such a job is over within
  // minutes (its user's other jobs end within the image API's timeout and retries), so an hour is plenty.
  const cancelled = createRecentIds(cancelMemoryMs);
  let closing = false;
  let closed: Promise<void> | undefined;

  function emit(event: ProgressEvent): void {
    const subscribed = listeners.get(event.jobId);
    if (event.type !== 'queued' && event.type !== 'running') {
      listeners.delete(event.jobId);
      queuedHere.delete(event.jobId);
    }
    if (subscribed === undefined) return;
    for (const listener of [...subscribed]) {
      try {
        listener(event);
      } catch (error) {
        logger.warn('job progress listener failed', {
          jobId: event.jobId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  async function waitingOldestFirst(): Promise<string[]> {
    const waiting = await queue.getJobs(['waiting', 'prioritized', 'delayed'], 0, -1, true);
    return waiting
      .filter((job) => job !== undefined)
      .sort((first, second) => first.timestamp - second.timestamp)
      .map((job) => job.id ?? '');
  }

  async function announcePositions(): Promise<void> {
    if (listeners.size === 0) return;
    const order = await waitingOldestFirst();
    for (const [index, jobId] of order.entries()) {
      const known = queuedHere.get(jobId);
      if (known === undefined || known.position === index + 1) continue;
      known.position = index + 1;
      emit({ jobId, type: 'queued', position: index + 1 });
    }
  }

  const reannounce = () => void announcePositions().catch(() => undefined);
  // 'active' alone does not mean running: a job whose user is at the cap is taken and put back delayed.
  events.on('active', reannounce);
  events.on('progress', ({ jobId, data }) => {
    if (typeof data === 'object' && data !== null && 'elapsedMs' in data) {
      queuedHere.delete(jobId);
      emit({ jobId, type: 'running', elapsedMs: Number((data as { elapsedMs: number }).elapsedMs) });
    }
  });
  events.on('completed', ({ jobId }) => {
    emit({ jobId, type: 'done' });
    reannounce();
  });
  events.on('failed', ({ jobId, failedReason }) => {
    emit(decodeFailure(jobId, failedReason));
    reannounce();
  });

  const subscriber = redis.duplicate();
  await subscriber.subscribe(cancelChannel);
  subscriber.on('message', (_channel, jobId) => {
    cancelled.add(jobId);
    worker?.cancelJob(jobId, cancelMarker);
    emit({ jobId, type: 'cancelled' });
  });

  async function run(job: QueueJob<JobData>, token: string | undefined, signal: AbortSignal | undefined) {
    const jobId = job.id ?? '';
    const { userId } = job.data;
    if (!(await slots.take(userId, jobId))) {
      await job.moveToDelayed(Date.now() + (options.userRetryMs ?? 250), token);
      throw new DelayedError();
    }
    const startedAt = Date.now();
    await job.updateProgress({ elapsedMs: 0 });
    const timer = setInterval(
      () => {
        void slots.renew(userId, jobId).catch(() => undefined);
        void job.updateProgress({ elapsedMs: Date.now() - startedAt }).catch(() => undefined);
      },
      Math.min(progressIntervalMs, Math.max(50, stalledIntervalMs / 3)),
    );
    const aborted = jobSignal(signal, cancelled.has(jobId), cancelMarker);
    try {
      await options.executor(jobId, aborted);
      if (aborted.aborted) throw new UnrecoverableError(String(aborted.reason ?? cancelMarker));
    } catch (error) {
      if (aborted.aborted) {
        // Aborted by close(): the job goes back to the queue for another worker (or the next start).
        if (aborted.reason === handedBackMarker) await job.moveToWait(token);
        throw aborted.reason === handedBackMarker ? new WaitingError() : new UnrecoverableError(cancelMarker);
      }
      throw new UnrecoverableError(encodeFailure(error));
    } finally {
      clearInterval(timer);
      await slots.release(userId, jobId).catch(() => undefined);
    }
  }

  const worker: Worker<JobData> | undefined =
    options.runWorker === false
      ? undefined
      : new Worker<JobData>(name, (job, token, signal) => run(job, token, signal), {
          connection,
          prefix,
          concurrency: options.workerConcurrency ?? options.globalConcurrency,
          stalledInterval: stalledIntervalMs,
          lockDuration: stalledIntervalMs,
          maxStalledCount: 1,
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 1000 },
        });
  worker?.on('error', (error) => logger.warn('job worker error', { error: error.message }));

  await events.waitUntilReady();
  await worker?.waitUntilReady();

  return {
    async submit(job) {
      if (closing) throw new ImagineError('cancelled', 'The bot is shutting down; the job was not started.');
      queuedHere.set(job.id, { userId: job.userId, position: 0 });
      await queue.add('job', { userId: job.userId }, { jobId: job.id, attempts: 1 });
      const order = await waitingOldestFirst();
      const position = order.indexOf(job.id) + 1;
      const known = queuedHere.get(job.id);
      if (known !== undefined) known.position = position;
      reannounce();
      return { position };
    },

    async cancel(jobId) {
      const job = await queue.getJob(jobId);
      if (job === undefined) return false;
      const state = await job.getState();
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        try {
          await job.remove();
          await redis.publish(cancelChannel, jobId);
          return true;
        } catch {
          // Taken by a worker meanwhile: cancel it where it runs.
        }
      } else if (state !== 'active') return false;
      await redis.publish(cancelChannel, jobId);
      return true;
    },

    subscribe(jobId, listener) {
      let subscribed = listeners.get(jobId);
      if (subscribed === undefined) {
        subscribed = new Set();
        listeners.set(jobId, subscribed);
      }
      const entry: Listener = (event) => listener(event);
      subscribed.add(entry);
      return () => {
        listeners.get(jobId)?.delete(entry);
      };
    },

    // Reads the shared queue (waiting, delayed and running jobs), so it is right on every instance; its cost grows
    // with the queue, which /cancel and /usage can afford.
    async activeJobs(userId) {
      const jobs = await queue.getJobs(['active', 'waiting', 'prioritized', 'delayed'], 0, -1, true);
      return jobs
        .filter((job) => job?.data.userId === userId && !cancelled.has(job.id ?? ''))
        .sort((first, second) => first.timestamp - second.timestamp)
        .map((job) => job.id ?? '');
    },

    async stats() {
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      const count = (state: string) => counts[state] ?? 0;
      return {
        queued: count('waiting') + count('prioritized') + count('delayed'),
        running: count('active'),
      };
    },

    /** BullMQ keeps queued jobs and hands stalled ones to a live worker by itself: nothing to re-queue here. */
    async recover(): Promise<RecoveryReport> {
      return { resumed: [], finished: [], failed: [] };
    },

    close(graceMs = 0) {
      closed ??= shutDown(graceMs);
      return closed;
    },
  };

  async function shutDown(graceMs: number): Promise<void> {
    closing = true;
    if (worker !== undefined) {
      const stopped = worker.close();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([stopped, grace]);
      worker.cancelAllJobs(handedBackMarker);
      await stopped;
    }
    await subscriber.quit();
    await events.close();
    await queue.close();
  }
}
