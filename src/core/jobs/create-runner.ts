import type { Logger } from '../logger.js';
import type { ImageBlobs } from '../store/blobs.js';
import type { Store } from '../store/store.js';
import { createActiveJobJournal } from './active-jobs.js';
import type { JobStore } from './job-store.js';
import { type Clock, createLocalRunner } from './local-runner.js';
import type { DurableJobRunner, JobExecutor, JobRunner } from './runner.js';

export interface RunnerChoice {
  executor: JobExecutor;
  /** STORE_URL: a redis:// store makes durable jobs go through BullMQ on that Redis. */
  storeUrl: string;
  /** IMAGE_API_CONCURRENCY: per process (embedded), for the whole fleet (BullMQ). */
  concurrency: number;
  /** USER_CONCURRENCY. */
  userConcurrency: number;
  /** STORE_NAMESPACE: BullMQ's keys go under `<namespace>:bull`. */
  namespace: string;
  /** JOB_STALLED_MS: how long a dead worker's job waits before another worker takes it (BullMQ). */
  stalledIntervalMs: number;
  store: Store;
  jobs: JobStore;
  blobs: Pick<ImageBlobs, 'getImage'>;
  clock: Clock;
  logger: Logger;
  /** Jobs survive the process; otherwise they live in its memory (the chat, tests). */
  durable: boolean;
  /** BullMQ: run jobs in this process too (false: a front end only). */
  runWorker: boolean;
  progressIntervalMs?: number;
}

/**
 * Where jobs wait and run: in memory; durable in one process (the local runner with its journal in the store,
 * the default); or durable across instances (BullMQ on the store's Redis). All behind the one `JobRunner`.
 */
export async function createRunner(choice: RunnerChoice): Promise<JobRunner | DurableJobRunner> {
  const shared = {
    executor: choice.executor,
    globalConcurrency: choice.concurrency,
    perUserConcurrency: choice.userConcurrency,
    logger: choice.logger,
    ...(choice.progressIntervalMs !== undefined && { progressIntervalMs: choice.progressIntervalMs }),
  };
  if (choice.durable && /^rediss?:\/\//.test(choice.storeUrl)) {
    // Loaded only here: BullMQ and its Redis client are large, and the embedded mode never needs them.
    const { createBullmqRunner } = await import('./bullmq-runner.js');
    return createBullmqRunner({
      ...shared,
      redisUrl: choice.storeUrl,
      prefix: `${choice.namespace}:bull`,
      stalledIntervalMs: choice.stalledIntervalMs,
      runWorker: choice.runWorker,
    });
  }
  // As many jobs again as the image API has slots start ahead: each slot's next call waits at the client's cap,
  // ready to go the moment the call before it ends, whatever this process is busy with then.
  const local = { ...shared, clock: choice.clock, startedAhead: choice.concurrency };
  if (!choice.durable) return createLocalRunner(local);
  return createLocalRunner({
    ...local,
    durable: { journal: createActiveJobJournal(choice.store), jobs: choice.jobs, blobs: choice.blobs },
  });
}
