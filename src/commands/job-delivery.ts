/**
 * Jobs that post their own replies: whichever process runs a job posts its outcome at the destination stored in
 * the job (through the delivery port, once per job and step), and gives its quota slot back once when no image
 * came of it. The process that received the command only acks, shows the queued note and watches progress.
 */
import type { Job, ProgressEvent } from '../core/jobs/job.js';
import {
  handedBackMarker,
  type JobExecutor,
  type JobHooks,
  type RecoveryReport,
} from '../core/jobs/runner.js';
import type { Logger } from '../core/logger.js';
import { type JobEvents, silentJobEvents } from '../core/observe/job-events.js';
import type { Delivery, DeliveryStep } from './delivery.js';
import type { Destination } from './destination.js';
import { endedWithImages, outcomeReply } from './job-outcome.js';
import { infoReply, type Reply } from './reply.js';
import type { BotServices } from './services.js';
import { throttledProgress } from './throttled-progress.js';

export const continuingText = '🔁 The bot restarted; your request is continuing.';

export interface JobDelivery {
  /** Wraps the executor so the process running a job posts its outcome (not for a job a shutdown hands back). */
  deliveringExecutor(inner: JobExecutor): JobExecutor;
  /**
   * Shows a job's queue position and elapsed time at its destination, throttled, until it ends. `acknowledgedAt`:
   * the platform already shows a queued note, so the first update waits an interval.
   */
  watch(jobId: string, destination: Destination, acknowledgedAt?: number): void;
  /** Posts a finished job's result or failure at its destination and refunds it when it has no image. */
  finish(jobId: string): Promise<void>;
  /** After a restart: tells each resumed job's user once, posts what finished unposted, answers what failed. */
  recovered(report: RecoveryReport): Promise<void>;
  /** Resolves once every job queued here with a destination has posted its outcome (tests, shutdown). */
  idle(): Promise<void>;
  /** Lets jobs run (with `holdUntilOpen`: once the outlets they post through are in place). */
  open(): void;
}

export interface JobDeliveryOptions {
  /** Read when a job runs, so the runner inside the services can be built with this module's executor. */
  services: () => BotServices;
  delivery: Delivery;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The least time between two progress edits on a platform, by its adapter's clock. */
  progressPace: (platform: string) => { intervalMs: number; now: () => number };
  /** Tries to post an outcome (the platform may be briefly down); default 3. */
  attempts?: number;
  retryDelayMs?: number;
  /** Jobs wait for `open()` before running: a shared queue may hand this process a job before its outlets exist. */
  holdUntilOpen?: boolean;
  /** Told when a job starts, ends, is handed back or recovered (log lines, metrics). */
  events?: JobEvents;
}

const finalEvents: ReadonlySet<ProgressEvent['type']> = new Set(['done', 'failed', 'cancelled']);
const finalStatuses: ReadonlySet<Job['status']> = new Set(['done', 'failed', 'cancelled']);

/** Gives a job's quota slot back once, whichever process (or how many) notices it ended without an image. */
export async function refundOnce(services: BotServices, job: Job): Promise<void> {
  if (endedWithImages(job) || !job.quotaKeys?.length) return;
  if (!(await services.claims.claim(`refund:${job.id}`, services.config.imageTtlMs))) return;
  await services.quotas.refund(job.quotaKeys);
}

export function createJobDelivery(options: JobDeliveryOptions): JobDelivery {
  const { delivery, logger } = options;
  const events = options.events ?? silentJobEvents();
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  if (!options.holdUntilOpen) open();

  const post = async (job: Job, destination: Destination, step: DeliveryStep, reply: Reply) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await delivery.deliver(job.id, destination, step, reply);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          logger.warn('could not post a job reply', { jobId: job.id, step, error });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
      }
    }
  };

  // Jobs with a destination this process queued or resumed and has not seen finish, and outcomes being posted.
  const awaited = new Map<string, { resolve: () => void; ended: Promise<void> }>();
  const expect = (jobId: string) => {
    if (awaited.has(jobId)) return;
    let resolve = () => {};
    const ended = new Promise<void>((done) => {
      resolve = done;
    });
    awaited.set(jobId, { resolve, ended });
  };
  const settle = (jobId: string) => {
    awaited.get(jobId)?.resolve();
    awaited.delete(jobId);
  };

  /** `ended`: the finished record, when the caller has just read it from the store. */
  async function finish(jobId: string, ended?: Job): Promise<void> {
    try {
      await postOutcome(jobId, ended);
    } finally {
      settle(jobId);
    }
  }

  async function postOutcome(jobId: string, ended?: Job): Promise<void> {
    const services = options.services();
    const job = ended ?? (await services.jobs.get(jobId));
    if (job === undefined) return;
    try {
      await refundOnce(services, job);
    } catch (error) {
      logger.warn('could not refund a job', { jobId, error });
    }
    const destination = job.destination;
    if (destination === undefined) return;
    const reply = await outcomeReply(services, job);
    await post(job, destination, reply.kind === 'error' ? 'failure' : 'result', reply);
  }

  /** A job that failed before it could run (its record or inputs expired): its stored failure, posted. */
  async function answerFailed(failed: RecoveryReport['failed'][number]): Promise<void> {
    const services = options.services();
    const job = await services.jobs.get(failed.id);
    if (job === undefined) {
      logger.warn('an interrupted job expired before it could be answered', { jobId: failed.id });
      return;
    }
    if (!finalStatuses.has(job.status)) {
      await services.jobs.update(job.id, (stored) => ({
        ...stored,
        status: 'failed',
        errorCode: failed.code,
        errorMessage: failed.message,
      }));
    }
    await finish(job.id);
  }

  function watch(jobId: string, destination: Destination, acknowledgedAt?: number): void {
    const services = options.services();
    expect(jobId);
    const pace = options.progressPace(destination.platform);
    // A destination its outlet cannot read never will: said once in the log, it takes no further progress. (One
    // with no outlet yet keeps trying: a process adds its platforms' outlets as their clients come up.)
    let unreadable = false;
    const view = throttledProgress(
      async (text) => {
        if (unreadable) return;
        const outcome = await delivery.deliver(
          jobId,
          destination,
          'progress',
          infoReply(text, { ephemeral: false }),
        );
        unreadable = outcome === 'unreadable';
      },
      {
        now: pace.now,
        intervalMs: pace.intervalMs,
        ...(acknowledgedAt !== undefined && { acknowledgedAt }),
        logger,
      },
    );
    const unsubscribe = services.runner.subscribe(jobId, (event) => {
      if (!finalEvents.has(event.type)) return view.update(event);
      unsubscribe();
      void view.settle();
      // Run by another process: its outcome is posted there.
      if (event.type !== 'cancelled') setTimeout(() => settleIfFinal(jobId), 0);
    });
  }

  /**
   * Its run is over: the stored record says how it ended (the run stored it), for the log and the metrics.
   * Returns that record as read, for posting the outcome.
   */
  async function observeEnd(
    jobId: string,
    before: Job | undefined,
    end: 'handed back' | { error?: unknown },
  ): Promise<Job | undefined> {
    const stored = await options.services().jobs.get(jobId);
    const after = stored ?? before;
    if (after === undefined) return undefined;
    if (end === 'handed back') events.handedBack(after);
    else events.ended(after, end.error);
    return stored;
  }

  /** Runs a job in this process, then posts its outcome. */
  async function runAndDeliver(
    inner: JobExecutor,
    jobId: string,
    signal: AbortSignal,
    hooks: JobHooks = {},
  ): Promise<void> {
    await opened;
    const before = await options.services().jobs.get(jobId);
    // Run already, its outcome maybe not posted (the process died in between): post it, call nothing again.
    if (before !== undefined && finalStatuses.has(before.status)) {
      hooks.upstreamDone?.();
      await finish(jobId, before);
      return;
    }
    // Started when its image API call goes out: until then it may wait for a slot, queued to its user.
    let started = false;
    const upstreamStarted = () => {
      if (started) return;
      started = true;
      if (before !== undefined) events.started(before);
      hooks.upstreamStarted?.();
    };
    try {
      await inner(jobId, signal, {
        ...hooks,
        upstreamStarted,
        ...(before !== undefined && { record: before }),
      });
    } catch (error) {
      const handedBack = signal.reason === handedBackMarker;
      if (!handedBack && signal.aborted && !started) {
        // Cancelled before its call went out: it never ran, and the executor closed it as cancelled in the queue
        // (logged there), so there is no end to observe here.
        await finish(jobId);
        throw error;
      }
      const ended = await observeEnd(jobId, before, handedBack ? 'handed back' : { error });
      if (!handedBack) await finish(jobId, ended);
      throw error;
    }
    await finish(jobId, await observeEnd(jobId, before, {}));
  }

  /** A job another process ran: this one stops waiting once the stored record shows it ended. */
  const settleIfFinal = (jobId: string) => {
    // Posted here already: nothing to read (the store may be closing for a shutdown).
    if (!awaited.has(jobId)) return;
    const job = options.services().jobs.get(jobId);
    void job.then((stored) => {
      if (stored === undefined || finalStatuses.has(stored.status)) settle(jobId);
    });
  };

  return {
    async idle() {
      while (awaited.size > 0) await Promise.all([...awaited.values()].map((entry) => entry.ended));
    },
    open,
    deliveringExecutor: (inner) => (jobId, signal, hooks) => runAndDeliver(inner, jobId, signal, hooks),
    watch,
    finish: (jobId) => finish(jobId),
    async recovered(report) {
      const services = options.services();
      for (const resumed of report.resumed) {
        const job = await services.jobs.get(resumed.id);
        if (job === undefined) continue;
        events.recovered(job);
        const destination = job.destination;
        if (destination === undefined) continue;
        await post(job, destination, 'continuing', infoReply(continuingText, { ephemeral: false }));
        watch(job.id, destination, options.progressPace(destination.platform).now());
      }
      for (const finished of report.finished) await finish(finished.id);
      for (const failed of report.failed) await answerFailed(failed);
    },
  };
}
