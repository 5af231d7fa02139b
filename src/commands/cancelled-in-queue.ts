import type { BotServices } from './services.js';

/**
 * A job cancelled before its image API call went out never ran: its record says so now, and the log says it once
 * (the cancel command and the job's own run may both close it; whichever comes second finds it closed).
 */
export async function markCancelledIfQueued(
  services: Pick<BotServices, 'jobs' | 'events' | 'now'>,
  jobId: string,
): Promise<void> {
  let wasQueued = false;
  const job = await services.jobs.update(jobId, (stored) => {
    wasQueued = stored.status === 'queued';
    return wasQueued ? { ...stored, status: 'cancelled', finishedAt: services.now() } : stored;
  });
  if (wasQueued && job !== undefined) services.events.cancelledInQueue(job);
}
