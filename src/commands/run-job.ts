import { ImagineError } from '../core/errors.js';
import { markCancelledIfQueued } from '../core/jobs/cancelled-in-queue.js';
import type { Job, ProgressEvent } from '../core/jobs/job.js';
import type { Reservation } from '../core/jobs/quotas.js';
import type { CommandContext } from './context.js';
import type { JobDelivery } from './job-delivery.js';
import { refundOnce } from './job-delivery.js';
import { endedWithImages, failureOf, outcomeReply, withLabel } from './job-outcome.js';
import { errorReply, quotaText } from './replies/index.js';
import { pendingReply, type Reply } from './reply.js';
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
  services.events.quotaRefused(reservation.reason);
  // Our own limit, in its own words: the `quota` code's text is about the image service's credit.
  return { ok: false, reply: { ...errorReply(new ImagineError('quota', '')), text: quotaText(reservation) } };
}

export interface RunOptions {
  threadName?: boolean;
}

/**
 * The road every generating command takes: take a quota slot, then `prepare` the job (read its attachments,
 * store them), store it, queue it, and answer. Nothing is downloaded for a refused request; the slot is refunded
 * when preparing fails or no image came back.
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

/**
 * Runs a job on a slot already taken. With a destination (a platform adapter) the job is queued with it and
 * posts its own progress and outcome, from whichever process runs it: the answer is a pending reply. Without
 * one (the chat), the command waits for the job and answers with its outcome.
 */
export async function runReserved(
  services: BotServices,
  job: Job,
  context: CommandContext,
  reservation: Reservation,
  options: RunOptions = {},
): Promise<Reply> {
  const record: Job = {
    ...job,
    quotaKeys: [...reservation.keys],
    uploadLimitBytes: context.uploadLimitBytes,
    ...(options.threadName && { startsThread: true }),
  };
  if (context.destination !== undefined && services.jobDelivery !== undefined) {
    return queueWithDestination(services, record, context, reservation, {
      destination: context.destination,
      delivery: services.jobDelivery,
    });
  }
  try {
    await services.jobs.save(record);
    const ended = waitForEnd(services, record, context);
    // Told before the runner may start it, so the log reads in order.
    services.events.queued(record);
    await services.runner.submit({ id: record.id, userId: context.user.id });
    const end = await ended;
    if (end.type === 'cancelled') await markCancelledIfQueued(services, record.id);
    const finished = await services.jobs.get(record.id);
    if (end.type === 'done' && finished && endedWithImages(finished))
      return await outcomeReply(services, finished);
    await refundOnce(services, finished ?? record);
    // The event says how it ended: a cancelled run may not have stored its end yet.
    const error =
      end.type === 'cancelled'
        ? new ImagineError('cancelled', 'Cancelled.')
        : end.type === 'failed'
          ? failureOf({ ...record, status: 'failed', errorCode: end.code, errorMessage: end.message })
          : new ImagineError('empty_result', 'The model returned no image.');
    return withLabel(record, errorReply(error, job.id));
  } catch (error) {
    await reservation.refund();
    return errorReply(error, job.id);
  }
}

async function queueWithDestination(
  services: BotServices,
  record: Job,
  context: CommandContext,
  reservation: Reservation,
  posting: { destination: NonNullable<CommandContext['destination']>; delivery: JobDelivery },
): Promise<Reply> {
  try {
    const destination = await posting.destination();
    const saved = await services.jobs.save({ ...record, destination });
    posting.delivery.watch(record.id, destination, context.noteShownAt);
    services.events.queued(saved);
    await services.runner.submit({ id: record.id, userId: context.user.id });
    return pendingReply(record.id);
  } catch (error) {
    await reservation.refund();
    return errorReply(error, record.id);
  }
}
