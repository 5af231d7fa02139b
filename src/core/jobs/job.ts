import { z } from 'zod';
import { imageRefSchema } from '../images/image-ref.js';
import { storedOptionsShape } from '../options/option-schemas.js';

export type { ImageRef } from '../images/image-ref.js';

export const jobStatuses = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

export const jobKinds = [
  'imagine',
  'edit',
  'reroll',
  'variations',
  'upscale',
  'zoom',
  'pan',
  'compare',
] as const;
export type JobKind = (typeof jobKinds)[number];

/** The request options a job ran with, after settings layers; images are blob refs, not bytes. */
export const jobOptionsSchema = z.object({ ...storedOptionsShape, model: z.string(), prompt: z.string() });
export type JobOptions = z.infer<typeof jobOptionsSchema>;

/** A platform-qualified user (`discord:1234…`, `slack:T01/U02`, `console:local`). */
export const actorSchema = z.object({ id: z.string(), name: z.string().optional() });

export const panDirections = ['left', 'right', 'up', 'down'] as const;
export type PanDirection = (typeof panDirections)[number];

/** Upscales, variations, zooms and pans: which of the parent's images was worked on, and how. */
export const studioSchema = z.object({
  /** 1-based, among the parent's result images. */
  image: z.number().int().min(1),
  zoom: z.number().optional(),
  pan: z.enum(panDirections).optional(),
  /** Enlarged here (sharp) by this factor, with no model call: the family has no higher tier. */
  localEnlargement: z.number().optional(),
});
export type Studio = z.infer<typeof studioSchema>;

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(jobKinds),
  parentId: z.string().optional(),
  /** The conversation this job belongs to (its root job's id). */
  conversationId: z.string(),
  requester: actorSchema,
  /** Platform-qualified channel (`discord:<channel id>`…), for channel settings and quotas. */
  channelId: z.string(),
  options: jobOptionsSchema,
  /** The user's own words, before the channel's style suffix was added. */
  userPrompt: z.string(),
  inputImages: z.array(imageRefSchema).default([]),
  /** Style references (`--sref`): sent after the input images, for their style only. */
  styleImages: z.array(imageRefSchema).default([]),
  /** Multi-turn models: replay the conversation up to this job's model turn as history. */
  historyUpTo: z.string().optional(),
  status: z.enum(jobStatuses),
  resultImages: z.array(imageRefSchema).default([]),
  /** The model that really ran (an edit may switch models). */
  modelUsed: z.string().optional(),
  revisedPrompt: z.string().optional(),
  /** The size and resolution tier as sent to the model, and each result image's seed, for the caption. */
  sent: z
    .object({
      size: z.string().optional(),
      resolution: z.string().optional(),
      /** One per result image, in order: the seed of the call that made it. */
      seeds: z.array(z.number()).optional(),
      /** Images the calls asked for: more than `resultImages` when some did not come back. */
      asked: z.number().optional(),
    })
    .optional(),
  warnings: z.array(z.string()).default([]),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  studio: studioSchema.optional(),
  /** Compare jobs: a label shown with the result. */
  label: z.string().optional(),
  /**
   * Where its progress and result are posted, by whichever process runs it (absent: records made before), in its
   * platform's own shape, which that platform's outlet reads back whole; the core keeps it as it is and reads only
   * `platform`.
   */
  destination: z.looseObject({ platform: z.string() }).optional(),
  /** Its result starts a thread of its own (a new conversation posted in a channel). */
  startsThread: z.boolean().optional(),
  /** The largest file the destination takes in one upload, for fitting the result's images. */
  uploadLimitBytes: z.number().optional(),
  /** The quota counters its request took: released once if it ends without an image, by whichever process. */
  quotaKeys: z.array(z.string()).optional(),
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
});
export type Job = z.infer<typeof jobSchema>;

/** What a runner reports about a job; adapters render it (throttled). */
export type ProgressEvent =
  | { jobId: string; type: 'queued'; position: number }
  | { jobId: string; type: 'running'; elapsedMs: number }
  | { jobId: string; type: 'done' }
  | { jobId: string; type: 'failed'; code: string; message: string }
  | { jobId: string; type: 'cancelled' };
