import { checkRefusals, type LazyAttachment, readAttachments } from '../core/attachment.js';
import { ImagineError } from '../core/errors.js';
import { describeBytes, sniffImageType } from '../core/images/index.js';
import type { ImageRef, Job, JobKind, JobOptions } from '../core/jobs/job.js';
import { pickPresets } from '../core/options/option-schemas.js';
import { checkPromptLength } from '../core/prompt-limit.js';
import type { InputImage } from '../core/request.js';
import { layerSettings, type ResolvedSettings, type Settings } from '../core/settings/settings.js';
import type { CommandContext } from './context.js';
import type { ImageOptions } from './options.js';
import type { BotServices } from './services.js';

/** The settings layers for this user in this channel, with the command's own options on top. */
export async function resolveSettings(
  services: BotServices,
  context: CommandContext,
  command: Settings = {},
): Promise<ResolvedSettings> {
  const [channel, user] = await Promise.all([
    services.presets.get({ kind: 'channel', id: context.channelId }),
    services.presets.get({ kind: 'user', id: context.user.id }),
  ]);
  return layerSettings([
    { layer: 'default', settings: { model: services.config.defaultModel } },
    { layer: 'channel', settings: channel },
    { layer: 'user', settings: user },
    { layer: 'command', settings: command },
  ]);
}

/** Options for a new generation: settings layers, then the command's options; the style brief joins the prompt. */
export async function optionsForPrompt(
  services: BotServices,
  context: CommandContext,
  prompt: string,
  command: ImageOptions,
): Promise<JobOptions> {
  const { values } = await resolveSettings(services, context, pickPresets(command));
  const { style, ...layered } = values;
  const styled = style ? `${prompt}, ${style}` : prompt;
  return {
    ...layered,
    ...command,
    model: command.model ?? layered.model ?? services.config.defaultModel,
    prompt: styled,
  };
}

/** Refuses a prompt over the bot's limit: checked first, before a slot is taken or anything is sent. */
export function checkPrompt(services: BotServices, prompt: string): void {
  checkPromptLength(prompt, services.config.maxPromptChars);
}

/**
 * What is known of unread attachments for free, checked before the quota slot: a file refused without reading
 * (too large, not on the platform's host) throws; the rest become stand-ins so a request is validated by count.
 */
export function unreadImages(attachments: readonly LazyAttachment[]): InputImage[] {
  checkRefusals(attachments);
  return attachments.map(() => ({ bytes: new Uint8Array(0), mediaType: 'image/png' }));
}

/** Reads the attachments once the slot is taken: each must be a picture by its bytes. */
export async function readImages(attachments: readonly LazyAttachment[]): Promise<InputImage[]> {
  return checkAttachments(await readAttachments(attachments));
}

/**
 * Attachments by what their bytes are, not what the platform called them: a non-image is refused here, before a
 * quota slot is taken; a picture in a format the model cannot read is converted later.
 */
export function checkAttachments(images: readonly InputImage[]): InputImage[] {
  return images.map((image, index) => {
    const mediaType = sniffImageType(image.bytes);
    if (!mediaType) {
      throw new ImagineError(
        'invalid_image',
        `Attachment ${index + 1} is not a picture (got ${describeBytes(image.bytes)}). Send PNG, JPEG, WEBP, GIF, BMP or TIFF.`,
        { option: 'images' },
      );
    }
    return { bytes: image.bytes, mediaType };
  });
}

export async function storeImages(services: BotServices, images: readonly InputImage[]): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  for (const image of images) {
    const hash = await services.blobs.putImage(image.bytes, image.mediaType, services.config.imageTtlMs);
    refs.push({ hash, mediaType: image.mediaType });
  }
  return refs;
}

export interface NewJobFields {
  kind: JobKind;
  options: JobOptions;
  userPrompt: string;
  inputImages?: ImageRef[];
  /** Style references (`--sref`). */
  styleImages?: ImageRef[];
  parentId?: string;
  /** Joins this conversation; a new conversation (named after the job) when absent. */
  conversationId?: string;
  historyUpTo?: string;
  label?: string;
  /** Notes known before the job runs (an option given both ways); the run adds its own after them. */
  warnings?: string[];
}

export function newJob(services: BotServices, context: CommandContext, fields: NewJobFields): Job {
  const id = services.newId();
  return {
    id,
    kind: fields.kind,
    ...(fields.parentId !== undefined && { parentId: fields.parentId }),
    conversationId: fields.conversationId ?? id,
    requester: { id: context.user.id, ...(context.user.name !== undefined && { name: context.user.name }) },
    channelId: context.channelId,
    options: fields.options,
    userPrompt: fields.userPrompt,
    inputImages: fields.inputImages ?? [],
    styleImages: fields.styleImages ?? [],
    ...(fields.historyUpTo !== undefined && { historyUpTo: fields.historyUpTo }),
    status: 'queued',
    resultImages: [],
    warnings: fields.warnings ?? [],
    ...(fields.label !== undefined && { label: fields.label }),
    createdAt: services.now(),
  };
}

/** A job that starts a conversation gets one; a job inside an existing conversation joins it. */
export async function ensureConversation(services: BotServices, job: Job): Promise<void> {
  if (await services.conversations.get(job.conversationId)) return;
  await services.conversations.create({
    id: job.conversationId,
    channelId: job.channelId,
    turns: [],
    updatedAt: services.now(),
  });
}
