import type { Job, ProgressEvent } from './job.js';

/**
 * The abort reason of a running job that a shutdown hands back (to the next start or another worker): the job is
 * not over, so nothing may be posted or refunded for it.
 */
export const handedBackMarker = 'imagine:handed-back';

/** What an executor tells its runner while it runs a job. */
export interface JobHooks {
  /**
   * The job's image API call has one of the client's slots and goes out: the job is running now. A job the
   * runner started ahead (its call waiting for a slot) is still queued to its user until then.
   */
  upstreamStarted?: () => void;
  /**
   * The job's image API call is over: its slot goes to the next job while this one stores its results, so an
   * upstream slot never waits for local bookkeeping.
   */
  upstreamDone?: () => void;
  /** The job's stored record, when the caller has just read it: the executor then does not read it again. */
  record?: Job;
}

/** Runs one stored job by id; the runner calls it when the job's turn comes. Throws ImagineError on failure. */
export type JobExecutor = (jobId: string, signal: AbortSignal, hooks?: JobHooks) => Promise<void>;

/**
 * Where jobs wait and run. Everything above this interface (commands, adapters) only submits ids, cancels and
 * listens, so a distributed runner (a queue shared by several instances) can replace the local one.
 */
export interface JobRunner {
  /** Queues a stored job; resolves with its place in the queue (1 = next), or 0 when it started at once. */
  submit(job: { id: string; userId: string }): Promise<{ position: number }>;
  /** Stops a queued job at once or aborts a running one; false when the job is unknown or already finished. */
  cancel(jobId: string): Promise<boolean>;
  /** Progress of one job; returns an unsubscribe function. Events after `done`/`failed`/`cancelled` never come. */
  subscribe(jobId: string, listener: (event: ProgressEvent) => void): () => void;
  /** Jobs of a user that are queued or running, oldest first (across the fleet for a shared queue). */
  activeJobs(userId: string): Promise<string[]>;
  /**
   * How many jobs wait and run: in this process (local runner), or in the shared queue across the fleet (BullMQ).
   * Rejects when the queue cannot answer, so it doubles as the queue's readiness check.
   */
  stats(): Promise<{ queued: number; running: number }>;
  /**
   * Stops taking work and lets running jobs finish for up to `graceMs` (default 0), then hands back what is
   * still running: a durable runner keeps it for the next start or another worker, never drops it.
   */
  close(graceMs?: number): Promise<void>;
}

/** What a durable runner found when it started: each user is told once, quota slots of `failed` are refunded. */
export interface RecoveryReport {
  /** Re-queued, oldest first: tell each user their job is continuing after a restart. */
  resumed: Array<{ id: string; userId: string }>;
  /** Finished before the crash but maybe never delivered: deliver the stored result (delivery is idempotent). */
  finished: Array<{ id: string; userId: string }>;
  /** Could not be resumed (inputs or the job record expired): answer with `message`, refund the quota slot. */
  failed: Array<{ id: string; userId: string; code: string; message: string }>;
}

/** A runner whose queued and running jobs survive the process (embedded journal or a shared queue). */
export interface DurableJobRunner extends JobRunner {
  /** Call once at start, before submitting: re-queues interrupted jobs oldest first. */
  recover(): Promise<RecoveryReport>;
}
