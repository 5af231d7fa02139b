import type { ProgressEvent } from './job.js';

/**
 * Runs one stored job by id; the runner calls it when the job's turn comes. Throws ImagineError on failure.
 * `upstreamDone` says the job's image API call is over: its slot goes to the next job while this one stores
 * its results, so an upstream slot never waits for local bookkeeping.
 */
export type JobExecutor = (jobId: string, signal: AbortSignal, upstreamDone?: () => void) => Promise<void>;

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
  /** Jobs of a user that are queued or running, oldest first. */
  activeJobs(userId: string): string[];
  close(): Promise<void>;
}
