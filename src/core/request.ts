import { z } from 'zod';

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

export const resolutions = ['1K', '2K', '3K', '4K'] as const;
export type Resolution = (typeof resolutions)[number];
export const outputFormats = ['png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/**
 * The platform-neutral request. Only `model` and `prompt` are required; an option left out is not sent
 * unless the model's row has a default for it.
 */
export const imageRequestSchema = z.object({
  model: z.string().trim().min(1),
  prompt: z.string().trim().min(1, 'The prompt is empty: say what the image should show.'),
  images: z.array(inputImageSchema).default([]),
  history: z.array(conversationTurnSchema).default([]),
  /** An aspect ratio (`16:9`) or a `WxH` size (`1024x1024`; `1328*1328` is accepted too). */
  size: z.string().trim().optional(),
  resolution: z.enum(resolutions).optional(),
  quality: z.string().trim().optional(),
  n: z.number().int().min(1).optional(),
  seed: z.number().int().optional(),
  negativePrompt: z.string().trim().min(1).optional(),
  guidanceScale: z.number().optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  outputFormat: z.enum(outputFormats).optional(),
  watermark: z.boolean().optional(),
  optimizePrompt: z.enum(['standard', 'fast']).optional(),
  promptExtend: z.boolean().optional(),
  inputFidelity: z.string().trim().optional(),
  groupImages: z.boolean().optional(),
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
