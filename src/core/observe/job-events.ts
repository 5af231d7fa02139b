/**
 * The one place a job's life is observed: each transition (queued, started, retry, done, failed, cancelled,
 * recovered, handed back) becomes one structured log line and, when the app keeps metrics, the matching
 * Prometheus counts. The other counters operators read (upstream calls, image bytes, quota refusals, deduped
 * events, platform API errors) come in here too, so every caller needs only this one injected object.
 */
import type { UpstreamObserver } from '../client/upstream-observer.js';
import { isImagineError } from '../errors.js';
import type { Job } from '../jobs/job.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

export type JobOutcome = 'done' | 'failed' | 'cancelled';

export interface JobEvents {
  /** Saved and being handed to the runner. */
  queued(job: Job): void;
  /** A process starts running it (again, after a restart or a worker's death). */
  started(job: Job): void;
  /** Its run ended; the outcome is read from the stored record, `error` is what the run threw. */
  ended(job: Job, error?: unknown): void;
  /** Cancelled while it waited in the queue: it never ran. */
  cancelledInQueue(job: Job): void;
  /** A shutdown gave it back to the queue: it runs again later or elsewhere. */
  handedBack(job: Job): void;
  /** Found unfinished at start and queued again. */
  recovered(job: Job): void;
  /** Watches the job's image API traffic (attempts, retries, bytes). */
  upstream(job: Job): UpstreamObserver;
  quotaRefused(reason: string): void;
  /** A platform event another delivery or instance already claimed; `source` is the claim's kind. */
  eventDeduped(source: string): void;
  /** A platform API refused to take a job's reply. */
  platformError(platform: string, code: string): void;
  /** A result could not be put on the team board (the store failed): logged, the reply is not affected. */
  boardNotRecorded(job: Job, error: unknown): void;
}

export interface JobEventsOptions {
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The app's clock (epoch ms), the one job records are stamped with. */
  now: () => number;
  metrics?: Metrics;
}

export function createJobEvents(options: JobEventsOptions): JobEvents {
  const { logger, now, metrics } = options;
  // The last image API request ids of each job running here (of a call that worked, of one that failed).
  const requestIds = new Map<string, { ok?: string; failed?: string }>();

  const fields = (job: Job) => ({
    jobId: job.id,
    model: job.modelUsed ?? job.options.model,
    kind: job.kind,
    platform: job.destination?.platform ?? 'console',
  });
  const line = (transition: string, job: Job, more: Record<string, unknown> = {}) =>
    logger.info(`job ${transition}`, { transition, ...fields(job), ...more });

  function outcomeOf(job: Job, error: unknown): JobOutcome {
    if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') return job.status;
    if (error === undefined) return 'done';
    return isImagineError(error) && error.code === 'cancelled' ? 'cancelled' : 'failed';
  }

  function countEnd(job: Job, outcome: JobOutcome, runMs: number | undefined) {
    const { model, kind } = fields(job);
    metrics?.jobs.inc({ model, kind, outcome });
    if (runMs !== undefined) metrics?.jobDuration.observe({ model, outcome }, runMs / 1000);
  }

  return {
    queued(job) {
      line('queued', job);
    },
    started(job) {
      const queueWaitMs = Math.max(0, now() - job.createdAt);
      line('started', job, { queueWaitMs });
      metrics?.queueWait.observe(queueWaitMs / 1000);
    },
    ended(job, error) {
      const outcome = outcomeOf(job, error);
      const startedAt = job.startedAt;
      const runMs = startedAt === undefined ? undefined : Math.max(0, (job.finishedAt ?? now()) - startedAt);
      const seen = requestIds.get(job.id);
      requestIds.delete(job.id);
      const requestId =
        outcome === 'done'
          ? seen?.ok
          : ((isImagineError(error) ? error.requestId : undefined) ?? seen?.failed);
      const code =
        outcome === 'done' ? undefined : (job.errorCode ?? (isImagineError(error) ? error.code : 'internal'));
      line(outcome, job, {
        ...(runMs !== undefined && { runMs }),
        ...(code !== undefined && { code }),
        ...(requestId !== undefined && { requestId }),
        ...(outcome === 'done' && { images: job.resultImages.length }),
      });
      countEnd(job, outcome, runMs);
    },
    cancelledInQueue(job) {
      line('cancelled', job, { code: 'cancelled', queueWaitMs: Math.max(0, now() - job.createdAt) });
      countEnd(job, 'cancelled', undefined);
    },
    handedBack(job) {
      requestIds.delete(job.id);
      line('handed back', job);
    },
    recovered(job) {
      line('recovered', job);
    },
    upstream(job) {
      return {
        call({ model, code, requestId }) {
          const seen = requestIds.get(job.id) ?? {};
          requestIds.set(job.id, { ...seen, [code === 'ok' ? 'ok' : 'failed']: requestId });
          metrics?.upstreamCalls.inc({ model, code });
        },
        retry({ model, attempt, delayMs, code, requestId }) {
          line('retry', job, { attempt, delayMs, code, ...(requestId !== undefined && { requestId }) });
          metrics?.upstreamRetries.inc({ model, code });
        },
        imageBytes({ model, bytes }) {
          metrics?.imageBytes.inc({ model }, bytes);
        },
      };
    },
    quotaRefused(reason) {
      metrics?.quotaRefusals.inc({ reason });
    },
    eventDeduped(source) {
      metrics?.eventsDeduped.inc({ source });
    },
    platformError(platform, code) {
      metrics?.platformErrors.inc({ platform, code });
    },
    boardNotRecorded(job, error) {
      logger.warn('could not put a result on the team board', {
        ...fields(job),
        error: error instanceof Error ? error.message : String(error),
      });
    },
  };
}

/** Observes nothing: for parts built without an app (tests of one module). */
export function silentJobEvents(): JobEvents {
  return createJobEvents({ logger: { info() {}, warn() {} }, now: Date.now });
}
