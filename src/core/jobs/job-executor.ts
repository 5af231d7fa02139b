import type { UpstreamObserver } from '../client/upstream-observer.js';
import type { Turn } from '../conversations/conversation.js';
import type { ConversationStore } from '../conversations/conversation-store.js';
import { boundHistory, turnsUpTo } from '../conversations/history.js';
import { ImagineError, isImagineError } from '../errors.js';
import type { ImageService } from '../image-service.js';
import type { JobEvents } from '../observe/job-events.js';
import type { ConversationTurn, ImageRequest, InputImage } from '../request.js';
import type { ImageBlobs } from '../store/blobs.js';
import { markCancelledIfQueued } from './cancelled-in-queue.js';
import type { ImageRef, Job } from './job.js';
import type { JobStore } from './job-store.js';
import { handedBackMarker, type JobExecutor } from './runner.js';

export interface JobExecutorDependencies {
  jobs: JobStore;
  conversations: ConversationStore;
  blobs: ImageBlobs;
  images: ImageService;
  /** Most turns of history sent to a multi-turn model. */
  historyTurns: number;
  imageTtlMs: number;
  now?: () => number;
  /** Told of the job's image API attempts, retries and bytes received, and of a job cancelled in the queue. */
  events?: Pick<JobEvents, 'upstream' | 'cancelledInQueue'>;
}

async function loadImages(blobs: ImageBlobs, refs: readonly ImageRef[]): Promise<InputImage[]> {
  const loaded = await Promise.all(refs.map((ref) => blobs.getImage(ref.hash)));
  return loaded.flatMap((image) => (image ? [{ bytes: image.bytes, mediaType: image.mediaType }] : []));
}

async function loadHistory(
  dependencies: JobExecutorDependencies,
  job: Job,
): Promise<{ history: ConversationTurn[]; notes: string[] }> {
  if (!job.historyUpTo) return { history: [], notes: [] };
  const conversation = await dependencies.conversations.get(job.conversationId);
  if (!conversation) return { history: [], notes: [] };
  const bounded = boundHistory(turnsUpTo(conversation.turns, job.historyUpTo), dependencies.historyTurns);
  const history: ConversationTurn[] = [];
  for (const turn of bounded.turns) {
    const images = await loadImages(dependencies.blobs, turn.images);
    history.push({ role: turn.role, ...(turn.text ? { text: turn.text } : {}), images });
  }
  const notes =
    bounded.dropped > 0
      ? [
          `The ${bounded.dropped} oldest turn(s) of this thread were left out; the last ${bounded.turns.length} were sent.`,
        ]
      : [];
  return { history, notes };
}

function isThoughtSignatureRejection(error: unknown): boolean {
  return (
    isImagineError(error) && error.code === 'invalid_request' && /thought.?signature/i.test(error.message)
  );
}

/** The fallback when a model refuses replayed history: a fresh single turn with the latest image as user input. */
function asSingleTurn(request: ImageRequest, history: ConversationTurn[]): ImageRequest {
  const lastImage = history.findLast((turn) => turn.role === 'model' && (turn.images?.length ?? 0) > 0)
    ?.images?.[0];
  return { ...request, history: [], images: [...(lastImage ? [lastImage] : []), ...(request.images ?? [])] };
}

/** Each image's seed, when every image has one (a model without seeds has none). */
function imageSeeds(images: readonly { seed?: number }[]): { seeds?: number[] } {
  const seeds = images.flatMap((image) => (image.seed === undefined ? [] : [image.seed]));
  return seeds.length > 0 && seeds.length === images.length ? { seeds } : {};
}

/** Runs one stored job: builds the request (images from blobs, history), calls the API, stores results. */
export function createJobExecutor(dependencies: JobExecutorDependencies): JobExecutor {
  const now = dependencies.now ?? Date.now;
  return async (jobId, signal, hooks = {}) => {
    const job = hooks.record ?? (await dependencies.jobs.get(jobId));
    if (!job)
      throw new ImagineError('invalid_request', 'This request is no longer available. Please send it again.');
    // Running from the moment its call goes out (it may have waited for a slot of the image API until then);
    // the record's later writes wait for this one.
    let markedRunning: Promise<unknown> | undefined;
    const upstreamStarted = () => {
      if (markedRunning !== undefined) return;
      markedRunning = dependencies.jobs.update(jobId, (stored) => ({
        ...stored,
        status: 'running',
        startedAt: now(),
      }));
      hooks.upstreamStarted?.();
    };
    try {
      const images = await loadImages(dependencies.blobs, job.inputImages);
      if (images.length < job.inputImages.length) {
        throw new ImagineError(
          'invalid_image',
          'An image this edit needs has expired (images are kept for a limited time). Attach it again.',
        );
      }
      const styleImages = await loadImages(dependencies.blobs, job.styleImages);
      if (styleImages.length < job.styleImages.length) {
        throw new ImagineError(
          'invalid_image',
          'A style reference has expired (images are kept for a limited time). Give --sref again.',
        );
      }
      const { history, notes } = await loadHistory(dependencies, job);
      const request: ImageRequest = { ...job.options, images, styleImages, history };
      const warnings = [...notes];
      const events = dependencies.events?.upstream(job);
      const observer: UpstreamObserver = {
        ...events,
        started: (attempt) => {
          events?.started?.(attempt);
          upstreamStarted();
        },
      };
      const calling = { signal, observer };
      let result: Awaited<ReturnType<ImageService['generate']>>;
      try {
        result = await dependencies.images.generate(request, calling);
      } catch (error) {
        if (!(history.length > 0 && isThoughtSignatureRejection(error))) throw error;
        warnings.push(
          'The model refused the earlier conversation, so the latest image was sent as a fresh edit.',
        );
        result = await dependencies.images.generate(asSingleTurn(request, history), calling);
      }
      // Cancelled while the answer arrived: the user was told and refunded, so it must not become a result.
      if (signal.aborted) throw new ImagineError('cancelled', 'The job was cancelled.');
      // Saving the results is local work: the upstream slot can go to the next job meanwhile.
      // An image service that never said its call went out still ran it.
      upstreamStarted();
      hooks.upstreamDone?.();
      await markedRunning;
      const resultImages: ImageRef[] = [];
      for (const image of result.images) {
        const hash = await dependencies.blobs.putImage(image.bytes, image.mediaType, dependencies.imageTtlMs);
        resultImages.push({ hash, mediaType: image.mediaType });
      }
      const revisedPrompt = result.images.find((image) => image.revisedPrompt)?.revisedPrompt;
      const failureNotes = result.failures.map(
        (failure) =>
          `${result.failures.length} of ${result.failures.length + result.images.length} images failed: ${failure.message}`,
      );
      const finished = await dependencies.jobs.update(jobId, (stored) => ({
        ...stored,
        status: 'done',
        resultImages,
        modelUsed: result.model,
        ...(result.sent && {
          sent: {
            ...result.sent,
            ...imageSeeds(result.images),
            ...(result.asked !== undefined && { asked: result.asked }),
          },
        }),
        ...(revisedPrompt ? { revisedPrompt } : {}),
        warnings: [
          ...stored.warnings,
          ...warnings,
          ...result.warnings.map((warning) => warning.message),
          ...failureNotes.slice(0, 1),
        ],
        finishedAt: now(),
      }));
      const turns: Turn[] = [
        { role: 'user', text: job.options.prompt, images: job.inputImages, jobId },
        { role: 'model', images: resultImages, jobId },
      ];
      if (finished) await dependencies.conversations.append(job.conversationId, turns, jobId);
    } catch (error) {
      await markedRunning?.catch(() => undefined);
      // Handed back by a shutdown: not over, it runs again after the restart or on another worker.
      if (signal.reason === handedBackMarker) {
        await dependencies.jobs.update(jobId, (stored) => ({ ...stored, status: 'queued' }));
        throw error;
      }
      const cancelled = signal.aborted;
      // Cancelled before its call went out, it never ran: it ends as a job cancelled in the queue, logged once.
      if (cancelled && markedRunning === undefined) {
        await markCancelledIfQueued({ ...dependencies, now }, jobId);
        throw error;
      }
      await dependencies.jobs.update(jobId, (stored) => ({
        ...stored,
        status: cancelled ? 'cancelled' : 'failed',
        errorCode: cancelled ? 'cancelled' : isImagineError(error) ? error.code : 'internal',
        ...(isImagineError(error) ? { errorMessage: error.message } : {}),
        finishedAt: now(),
      }));
      throw error;
    }
  };
}
