import { errorCodes, ImagineError } from '../../core/errors.js';
import { fitToUploadLimit, type UploadImage } from '../../core/images/fit-upload.js';
import { extensionFor, isImageMediaType } from '../../core/images/index.js';
import type { Job, ProgressEvent } from '../../core/jobs/job.js';
import type { ModelRow } from '../../core/models/index.js';
import type { Reply, ReplyImage } from '../reply.js';
import { caption, footnote, oneLine, trimText } from './caption.js';
import { errorText } from './error-text.js';
import { originText } from './origin-text.js';
import { resultButtons } from './result-buttons.js';

// Discord: message content ≤ 2000, alt text ≤ 1024, thread name ≤ 100 characters.
const maxPromptText = 1800;
const maxAltText = 1000;
const maxThreadName = 90;

export interface ResultReplyOptions {
  uploadLimitBytes: number;
  elapsedMs?: number;
  /** Suggest a thread name (the prompt), for a result that starts a conversation. */
  threadName?: boolean;
  /** The job this one came from (edits, re-rolls, variations, upscales), so the result says where it came from. */
  parent?: Job;
}

/** A finished job as a public reply: the prompt in quotes, the images (fitted to the upload limit), buttons. */
export async function resultReply(
  job: Job,
  images: readonly UploadImage[],
  row: ModelRow | undefined,
  options: ResultReplyOptions,
): Promise<Reply> {
  const fitted = await fitToUploadLimit(images, options.uploadLimitBytes);
  const prompt = job.userPrompt.trim();
  const altText = trimText(oneLine(prompt), maxAltText);
  const replyImages: ReplyImage[] = fitted.images.map((image, index) => ({
    bytes: image.bytes,
    mediaType: image.mediaType,
    fileName: `imagine-${job.id}-${index + 1}.${extensionOf(image.mediaType)}`,
    altText,
  }));
  const captionOptions = {
    ...(options.elapsedMs === undefined ? {} : { elapsedMs: options.elapsedMs }),
    ...(fitted.resized === undefined ? {} : { resized: fitted.resized }),
    ...(options.parent === undefined ? {} : { origin: originText(job, options.parent) }),
  };
  const note = footnote(job.warnings);
  const reply: Reply = {
    kind: 'result',
    text: `“${trimText(prompt, maxPromptText)}”`,
    images: replyImages,
    caption: caption(job, row, captionOptions),
    buttons: resultButtons(job),
    ephemeral: false,
    jobId: job.id,
  };
  if (note !== undefined) {
    reply.footnote = note;
    reply.warnings = job.warnings;
  }
  if (options.threadName) reply.threadName = threadName(job);
  return reply;
}

function threadName(job: Job): string {
  const name = trimText(oneLine(job.userPrompt), maxThreadName);
  return name === '' ? `imagine ${job.id}` : name;
}

function extensionOf(mediaType: string): string {
  return isImageMediaType(mediaType) ? extensionFor(mediaType) : 'bin';
}

/** One line of progress: `⏳ Queued — #2 in line`, `🎨 Working… 12 s`, `✅ Done`, `❌ …`, `Cancelled.` */
export function progressText(event: ProgressEvent): string {
  switch (event.type) {
    case 'queued':
      return event.position >= 1 ? `⏳ Queued — #${event.position} in line` : '⏳ Queued';
    case 'running': {
      const seconds = Math.floor(event.elapsedMs / 1000);
      return seconds >= 1 ? `🎨 Working… ${seconds} s` : '🎨 Working…';
    }
    case 'done':
      return '✅ Done';
    case 'failed': {
      // Same words as an error reply: the event carries the error's code and its (core) message.
      const code = errorCodes.find((candidate) => candidate === event.code);
      return `❌ ${errorText(code === undefined ? undefined : new ImagineError(code, event.message))}`;
    }
    case 'cancelled':
      return 'Cancelled.';
  }
}
