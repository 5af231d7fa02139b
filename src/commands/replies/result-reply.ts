import { errorCodes, ImagineError } from '../../core/errors.js';
import { fitToUploadLimit, type UploadImage } from '../../core/images/fit-upload.js';
import { extensionFor, isImageMediaType } from '../../core/images/index.js';
import type { Job, ProgressEvent } from '../../core/jobs/job.js';
import type { ModelRow } from '../../core/models/index.js';
import { type Resolution, resolutions } from '../../core/request.js';
import type { Reply, ReplyButton, ReplyImage } from '../reply.js';
import { caption, footnote, oneLine, trimText } from './caption.js';
import { errorText } from './error-text.js';

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
    buttons: resultButtons(job, row),
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

const originLabels: Partial<Record<Job['kind'], string>> = {
  edit: 'edit of',
  reroll: 're-roll of',
  variations: 'variation of',
  upscale: 'upscale of',
};

/** `re-roll of “a red fox”`: where a result came from. */
function originText(job: Job, parent: Job): string {
  const label = originLabels[job.kind] ?? 'from';
  return `${label} “${trimText(oneLine(parent.userPrompt), 60)}”`;
}

/** Re-roll, Variations, Upscale (only when the model has a higher resolution tier), Edit, Delete. */
export function resultButtons(job: Job, row: ModelRow | undefined): ReplyButton[] {
  const jobId = job.id;
  const buttons: ReplyButton[] = [
    { action: 'reroll', jobId, label: '🎲 Re-roll' },
    { action: 'variations', jobId, label: '🔀 Variations' },
  ];
  if (row !== undefined && canUpscale(job, row))
    buttons.push({ action: 'upscale', jobId, label: '⬆ Upscale' });
  buttons.push({ action: 'edit', jobId, label: '✏ Edit' }, { action: 'delete', jobId, label: '🗑 Delete' });
  return buttons;
}

/** True when the row offers a resolution tier above the one this job ran at. */
export function canUpscale(job: Job, row: ModelRow): boolean {
  const offered = row.resolutions.values.map((value) => resolutions.indexOf(value));
  if (offered.length === 0) return false;
  const current = currentResolution(job, row);
  const currentIndex = current === undefined ? Math.min(...offered) : resolutions.indexOf(current);
  return offered.some((index) => index > currentIndex);
}

/** The job's tier: asked for, the row's default, or read from a `WxH` size (Seedream sends tiers as sizes). */
function currentResolution(job: Job, row: ModelRow): Resolution | undefined {
  const asked = job.options.resolution ?? row.defaults.resolution;
  if (asked !== undefined) return asked;
  const size = /^(\d+)\s*[x*]\s*(\d+)$/i.exec(job.options.size ?? row.defaults.size ?? '');
  if (!size) return undefined;
  const side = Math.sqrt(Number(size[1]) * Number(size[2]));
  if (side <= 1536) return '1K';
  if (side <= 2560) return '2K';
  if (side <= 3584) return '3K';
  return '4K';
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
