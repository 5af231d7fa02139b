import { z } from 'zod';
import { storedOptionsShape } from './options/option-schemas.js';
import { imageOptionTable } from './options/option-table.js';

/** One image handed to the model: raw bytes plus their (sniffed) media type. */
export const inputImageSchema = z.object({
  bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'image bytes must be a Uint8Array'),
  mediaType: z.string().regex(/^image\/[a-z0-9.+-]+$/),
});
export type InputImage = z.infer<typeof inputImageSchema>;

/** One earlier turn of a conversation (Gemini multi-turn): user turns carry text and images, model turns images. */
export const conversationTurnSchema = z.object({
  role: z.enum(['user', 'model']),
  text: z.string().optional(),
  images: z.array(inputImageSchema).default([]),
});
export type ConversationTurn = z.input<typeof conversationTurnSchema>;

export const resolutions = imageOptionTable.resolution.value.stored.options;
export type Resolution = (typeof resolutions)[number];
export const outputFormats = imageOptionTable.outputFormat.value.stored.options;
export type OutputFormat = (typeof outputFormats)[number];

/**
 * The platform-neutral request. Only `model` and `prompt` are required; an option left out is not sent
 * unless the model's row has a default for it. The options come from the one options table.
 */
export const imageRequestSchema = z.object({
  ...storedOptionsShape,
  model: z.string().trim().min(1),
  prompt: z.string().trim().min(1, 'The prompt is empty: say what the image should show.'),
  images: z.array(inputImageSchema).default([]),
  /** Style references: sent after `images` with an instruction to take their style, not their subject. */
  styleImages: z.array(inputImageSchema).default([]),
  history: z.array(conversationTurnSchema).default([]),
});
export type ImageRequest = z.input<typeof imageRequestSchema>;
export type ParsedImageRequest = z.output<typeof imageRequestSchema>;

/** Something the caller asked for that was changed or not sent; shown to the user as a footnote. */
export interface Warning {
  type: 'unsupported' | 'compatibility' | 'other';
  /** The request option concerned (`seed`, `size`…), when there is one. */
  option?: string;
  message: string;
}
