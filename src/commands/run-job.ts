import { type ErrorCode, errorCodes, ImagineError } from '../core/errors.js';
import type { Job, ProgressEvent } from '../core/jobs/job.js';
import type { Reservation } from '../core/jobs/quotas.js';
import { findModel } from '../core/models/table.js';
import type { CommandContext } from './context.js';
import { errorReply, quotaText, resultReply } from './replies/index.js';
import type { Reply } from './reply.js';
import type { BotServices } from './services.js';

type EndEvent = Extract<ProgressEvent, { type: 'done' | 'failed' | 'cancelled' }>;

function waitForEnd(services: BotServices, job: Job, context: CommandContext): Promise<EndEvent> {
  return new Promise((resolve) => {
    const unsubscribe = services.runner.subscribe(job.id, (event) => {
      context.onProgress?.(event);
      if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

export type Slot = { ok: true; reservation: Reservation } | { ok: false; reply: Reply };

/** Takes one quota slot (atomically, in the store): the reservation, or the refusal as the user's reply. */
export async function reserveSlot(services: BotServices, context: CommandContext): Promise<Slot> {
  const reservation = await services.quotas.reserve(context.user.id, context.channelId);
  if (reservation.ok) return { ok: true, reservation };
  // Our own limit, in its own words: the `quota` code's text is about the image service's credit.
  return { ok: false, reply: { ...errorReply(new ImagineError('quota', '')), text: quotaText(reservation) } };
}

export interface RunOptions {
  threadName?: boolean;
}

/**
 * The road every generating command takes: take a quota slot, then `prepare` the job (read its attachments,
 * store them), store it, queue it, report progress, and turn the outcome into a reply. Nothing is downloaded for
 * a refused request; the slot is refunded when preparing fails or no image came back.
 */
export async function runWithSlot(
  services: BotServices,
  context: CommandContext,
  prepare: () => Promise<Job>,
  options: RunOptions = {},
): Promise<Reply> {
  const slot = await reserveSlot(services, context);
  if (!slot.ok) return slot.reply;
  let job: Job;
  try {
    job = await prepare();
  } catch (error) {
    await slot.reservation.refund();
    return errorReply(error);
  }
  return runReserved(services, job, context, slot.reservation, options);
}

/** A job that needs nothing read: its slot, then the job. */
export function runJob(
  services: BotServices,
  job: Job,
  context: CommandContext,
  options: RunOptions = {},
): Promise<Reply> {
  return runWithSlot(services, context, async () => job, options);
}

/** Runs a job on a slot already taken (refunded when no image came back). */
export async function runReserved(
  services: BotServices,
  job: Job,
  context: CommandContext,
  reservation: Reservation,
  options: RunOptions = {},
): Promise<Reply> {
  try {
    await services.jobs.save(job);
    const ended = waitForEnd(services, job, context);
    await services.runner.submit({ id: job.id, userId: context.user.id });
    const end = await ended;
    const finished = await services.jobs.get(job.id);
    if (end.type === 'cancelled' && finished?.status === 'queued') {
      await services.jobs.update(job.id, (stored) => ({
        ...stored,
        status: 'cancelled',
        finishedAt: services.now(),
      }));
    }
    if (end.type !== 'done' || !finished || finished.resultImages.length === 0) {
      await reservation.refund();
      const error =
        end.type === 'failed'
          ? new ImagineError(isKnownCode(end.code) ? end.code : 'upstream', end.message)
          : end.type === 'cancelled'
            ? new ImagineError('cancelled', 'Cancelled.')
            : new ImagineError('empty_result', 'The model returned no image.');
      return errorReply(error, job.id);
    }
    const images = [];
    for (const ref of finished.resultImages) {
      const image = await services.blobs.getImage(ref.hash);
      if (image) images.push(image);
    }
    const elapsedMs = (finished.finishedAt ?? services.now()) - (finished.startedAt ?? finished.createdAt);
    const parent = finished.parentId ? await services.jobs.get(finished.parentId) : undefined;
    return await resultReply(finished, images, findModel(finished.modelUsed ?? finished.options.model), {
      uploadLimitBytes: context.uploadLimitBytes,
      elapsedMs,
      threadName: options.threadName ?? false,
      ...(parent && { parent }),
    });
  } catch (error) {
    await reservation.refund();
    return errorReply(error, job.id);
  }
}

function isKnownCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}
