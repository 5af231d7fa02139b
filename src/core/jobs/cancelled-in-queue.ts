import type { JobEvents } from '../observe/job-events.js';
import type { JobStore } from './job-store.js';

/**
 * A job cancelled before its image API call went out never ran: its record says so now, and the log says it once
 * (the cancel command and the job's own run may both close it; whichever comes second finds it closed).
 */
export async function markCancelledIfQueued(
  dependencies: { jobs: JobStore; events?: Pick<JobEvents, 'cancelledInQueue'>; now: () => number },
  jobId: string,
): Promise<void> {
  let wasQueued = false;
  const job = await dependencies.jobs.update(jobId, (stored) => {
    wasQueued = stored.status === 'queued';
    return wasQueued ? { ...stored, status: 'cancelled', finishedAt: dependencies.now() } : stored;
  });
  if (wasQueued && job !== undefined) dependencies.events?.cancelledInQueue(job);
}
