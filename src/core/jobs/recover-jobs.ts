import type { ImageBlobs } from '../store/blobs.js';
import type { ActiveJobEntry, ActiveJobJournal } from './active-jobs.js';
import type { JobStore } from './job-store.js';
import type { RecoveryReport } from './runner.js';

/** What the embedded runner needs to keep its jobs across restarts. */
export interface DurableJobsDependencies {
  journal: ActiveJobJournal;
  jobs: JobStore;
  blobs: Pick<ImageBlobs, 'getImage'>;
}

export const inputsExpiredMessage =
  'Your request was interrupted by a restart and one of its images has expired since, so it cannot continue. Please send it again.';
export const jobExpiredMessage =
  'Your request was interrupted by a restart and is no longer available. Please send it again.';

/**
 * Sorts the journal of an interrupted process, oldest first: jobs to re-queue (their stored status reset to
 * queued), jobs that had finished (only delivery may be missing) and jobs that cannot resume (failed here, with
 * a code, so the caller refunds the quota slot). Everything but the re-queued jobs leaves the journal.
 */
export async function sortInterruptedJobs(
  dependencies: DurableJobsDependencies,
): Promise<{ requeue: ActiveJobEntry[]; report: RecoveryReport }> {
  const { journal, jobs, blobs } = dependencies;
  const requeue: ActiveJobEntry[] = [];
  const report: RecoveryReport = { resumed: [], finished: [], failed: [] };
  for (const entry of await journal.list()) {
    const who = { id: entry.id, userId: entry.userId };
    const job = await jobs.get(entry.id);
    if (job === undefined) {
      await journal.remove(entry.id);
      report.failed.push({ ...who, code: 'invalid_request', message: jobExpiredMessage });
      continue;
    }
    if (job.status === 'done' || job.status === 'failed') {
      await journal.remove(entry.id);
      report.finished.push(who);
      continue;
    }
    // Cancelled by its user just before the crash: they were told already.
    if (job.status === 'cancelled' && entry.handedBack !== true) {
      await journal.remove(entry.id);
      continue;
    }
    const inputs = await Promise.all(job.inputImages.map((ref) => blobs.getImage(ref.hash)));
    if (inputs.some((image) => image === undefined)) {
      await jobs.update(entry.id, (stored) => ({
        ...stored,
        status: 'failed',
        errorCode: 'invalid_image',
        errorMessage: inputsExpiredMessage,
      }));
      await journal.remove(entry.id);
      report.failed.push({ ...who, code: 'invalid_image', message: inputsExpiredMessage });
      continue;
    }
    await jobs.update(entry.id, ({ errorCode: _code, errorMessage: _message, ...stored }) => ({
      ...stored,
      status: 'queued',
    }));
    requeue.push(entry);
    report.resumed.push(who);
  }
  return { requeue, report };
}
