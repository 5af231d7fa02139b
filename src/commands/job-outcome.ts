import { type ErrorCode, errorCodes, ImagineError } from '../core/errors.js';
import type { Job } from '../core/jobs/job.js';
import { findModel } from '../core/models/table.js';
import { errorReply, resultReply } from './replies/index.js';
import type { Reply } from './reply.js';
import type { BotServices } from './services.js';

/** Discord's smallest upload limit: the safe size when a job does not say where it goes. */
const fallbackUploadLimitBytes = 10 * 1024 * 1024;

/** Did the job end with at least one image? Anything else gives its quota slot back. */
export function endedWithImages(job: Job | undefined): boolean {
  return job?.status === 'done' && job.resultImages.length > 0;
}

/**
 * A finished job's reply, from its stored record alone, so any process can render it: its images, caption and
 * buttons, or the error that ended it. Compare results are labelled by model and offer "continue with this".
 */
export async function outcomeReply(services: BotServices, job: Job): Promise<Reply> {
  return withLabel(job, await unlabelledOutcome(services, job));
}

/** A compare job's reply names its model (and a result offers "continue with this"). */
export function withLabel(job: Job, reply: Reply): Reply {
  return job.kind === 'compare' && job.label !== undefined ? labelled(reply, job.label) : reply;
}

async function unlabelledOutcome(services: BotServices, job: Job): Promise<Reply> {
  if (!endedWithImages(job)) return errorReply(failureOf(job), job.id);
  const images = [];
  for (const ref of job.resultImages) {
    const image = await services.blobs.getImage(ref.hash);
    if (image) images.push(image);
  }
  const elapsedMs = (job.finishedAt ?? services.now()) - (job.startedAt ?? job.createdAt);
  const parent = job.parentId ? await services.jobs.get(job.parentId) : undefined;
  return resultReply(job, images, findModel(job.modelUsed ?? job.options.model), {
    uploadLimitBytes: job.uploadLimitBytes ?? fallbackUploadLimitBytes,
    elapsedMs,
    threadName: job.startsThread ?? false,
    ...(parent && { parent }),
  });
}

/** Why a job ended without an image, in the words its run stored. */
export function failureOf(job: Job): ImagineError {
  if (job.status === 'cancelled') return new ImagineError('cancelled', 'Cancelled.');
  if (job.status === 'failed') {
    const code = job.errorCode !== undefined && isKnownCode(job.errorCode) ? job.errorCode : 'upstream';
    return new ImagineError(code, job.errorMessage ?? 'Something went wrong.');
  }
  return new ImagineError('empty_result', 'The model returned no image.');
}

function labelled(reply: Reply, label: string): Reply {
  if (reply.kind !== 'result') return { ...reply, text: `${label}: ${reply.text}` };
  return {
    ...reply,
    text: `**${label}** — ${reply.text}`,
    buttons: [{ action: 'pick', jobId: reply.jobId ?? '', label: '✅ Continue with this' }, ...reply.buttons],
  };
}

function isKnownCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}
