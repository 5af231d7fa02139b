import { z } from 'zod';
import { dataUriImage, type InputLimits, mebibyte } from './data-uri-image.js';

/**
 * Request bodies of POST /v1/images/generations, one schema per family, written from
 * shared/docs/image-api.md (the gateway's doc) with the upstream limits of shared/docs/upstream-notes.md.
 * Objects are strict: an unknown or misplaced key is a 400, as a client bug should be.
 */

export const families = ['gemini', 'seedream', 'gpt-image', 'qwen'] as const;
export type Family = (typeof families)[number];

export function familyOf(model: string): Family | undefined {
  if (model.startsWith('gemini-')) return 'gemini';
  if (/^(doubao-seedream-|doubao-seededit-|seedream-)/.test(model)) return 'seedream';
  if (model.startsWith('gpt-image-')) return 'gpt-image';
  if (model.startsWith('qwen-image')) return 'qwen';
  return undefined;
}

/** Input formats and sizes per family: image-api.md, FAQ "input image formats and limits". */
const inputLimits: Record<Family, InputLimits> = {
  gemini: { maxBytes: 7 * mebibyte, formats: ['png', 'jpeg', 'webp'] },
  seedream: { maxBytes: 10 * mebibyte, formats: ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'] },
  'gpt-image': { maxBytes: 10 * mebibyte, formats: ['jpeg', 'png', 'gif', 'webp'] },
  qwen: { maxBytes: 10 * mebibyte, formats: ['jpeg', 'png', 'bmp', 'tiff', 'webp'] },
};

/** A Gemini/Seedream part: `{text}` or `{image}`, never both. */
function partSchema(family: Family) {
  return z
    .strictObject({ text: z.string().optional(), image: dataUriImage(inputLimits[family]).optional() })
    .refine((part) => (part.text === undefined) !== (part.image === undefined), {
      message: 'a part holds exactly one of text or image',
    });
}

function hasUserText(contents: readonly { role: string; parts: readonly { text?: string | undefined }[] }[]) {
  return contents.some((turn) => turn.role === 'user' && turn.parts.some((part) => part.text?.trim()));
}

const model = z.string().min(1);

// Google's aspect ratios, as listed by image-api.md "Model-specific parameters".
export const geminiAspectRatios = [
  '1:1',
  '3:2',
  '2:3',
  '3:4',
  '4:3',
  '4:5',
  '5:4',
  '9:16',
  '16:9',
  '21:9',
] as const;

export const geminiBody = z
  .strictObject({
    model,
    prompt: z.string().trim().min(1).optional(),
    contents: z
      .array(z.strictObject({ role: z.enum(['user', 'model']), parts: z.array(partSchema('gemini')).min(1) }))
      .min(1)
      .optional(),
    size: z.enum(geminiAspectRatios).optional(),
    // The doc shows only "high"; the gateway takes the GPT Image values for every family.
    quality: z.enum(['low', 'medium', 'high', 'auto']).optional(),
    n: z.number().int().min(1).max(10).optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    response_format: z.literal('b64_json').optional(),
    // The doc shows "3K" although Google knows only 1K/2K/4K: accept what the doc shows.
    image_size: z.enum(['1K', '2K', '3K', '4K']).optional(),
    mime_type: z.enum(['image/png', 'image/jpeg']).optional(),
    response_modalities: z
      .union([
        z.string().regex(/^(text|image)(,\s*(text|image))*$/i),
        z.array(z.enum(['text', 'image', 'TEXT', 'IMAGE'])),
      ])
      .optional(),
  })
  .superRefine((body, context) => {
    if ((body.prompt === undefined) === (body.contents === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'send either prompt (text to image) or contents (edit), not both',
      });
    } else if (body.contents && !hasUserText(body.contents)) {
      context.addIssue({ code: 'custom', path: ['contents'], message: 'no user turn holds a text part' });
    }
  });

export const seedreamBody = z
  .strictObject({
    model,
    prompt: z.string().trim().min(1).optional(),
    contents: z
      .array(z.strictObject({ role: z.literal('user'), parts: z.array(partSchema('seedream')).min(1) }))
      .min(1)
      .optional(),
    size: z
      .string()
      .regex(/^(\d+x\d+|1K|2K|4K|adaptive)$/, 'expected WxH (like 2048x2048), 1K, 2K, 4K or adaptive')
      .optional(),
    watermark: z.boolean().optional(),
    seed: z.number().int().min(-1).max(2147483647).optional(),
    guidance_scale: z.number().min(1).max(10).optional(),
    optimize_prompt_options: z.strictObject({ mode: z.enum(['standard', 'fast']) }).optional(),
    sequential_image_generation: z.enum(['disabled', 'auto']).optional(),
    sequential_image_generation_options: z
      .strictObject({ max_images: z.number().int().min(1).max(15) })
      .optional(),
    n: z.number().int().min(1).max(10).optional(),
    response_format: z.enum(['url', 'b64_json']).optional(),
  })
  .superRefine((body, context) => {
    if (body.prompt === undefined && !(body.contents && hasUserText(body.contents))) {
      context.addIssue({
        code: 'custom',
        path: ['prompt'],
        message: 'a prompt (or a text part in contents) is required',
      });
    }
  });

const gptImage = dataUriImage(inputLimits['gpt-image']);

export const gptImageBody = z.strictObject({
  model,
  prompt: z.string().trim().min(1).max(32000),
  size: z.enum(['1024x1024', '1024x1536', '1536x1024', 'auto']).optional(),
  quality: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  n: z.number().int().min(1).max(10).optional(),
  // The doc lists four values although OpenAI takes only high|low: accept what the doc shows.
  input_fidelity: z.enum(['auto', 'high', 'medium', 'low']).optional(),
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  // Upstream OpenAI options (upstream-notes §4, §6) that a client may pass through.
  output_compression: z.number().int().min(0).max(100).optional(),
  background: z.enum(['transparent', 'opaque', 'auto']).optional(),
  moderation: z.enum(['auto', 'low']).optional(),
  response_format: z.literal('b64_json').optional(),
  image: z
    .union([gptImage, z.array(gptImage).min(1).max(16)], {
      error: 'expected a data URI string or an array of 1-16 of them',
    })
    .optional(),
});

const qwenImage = dataUriImage(inputLimits.qwen);

export const qwenBody = z.strictObject({
  model,
  input: z.strictObject({
    messages: z
      .array(
        z.strictObject({
          role: z.literal('user'),
          content: z
            .array(
              z
                .strictObject({
                  text: z.string().trim().min(1).max(800).optional(),
                  image: qwenImage.optional(),
                })
                .refine((item) => (item.text === undefined) !== (item.image === undefined), {
                  message: 'a content item holds exactly one of text or image',
                }),
            )
            .min(1)
            .refine((items) => items.filter((item) => item.text !== undefined).length === 1, {
              message: 'exactly one text item is required',
            })
            .refine((items) => items.filter((item) => item.image !== undefined).length <= 3, {
              message: 'at most 3 images',
            }),
        }),
      )
      // DashScope image models take a single-turn conversation.
      .length(1),
  }),
  parameters: z
    .strictObject({
      negative_prompt: z.string().max(500),
      prompt_extend: z.boolean(),
      // The doc's example sends the seed as a string.
      seed: z.union([z.number().int().min(0).max(2147483647), z.string().regex(/^\d{1,10}$/)], {
        error: 'expected an integer in [0, 2147483647] or a string of digits',
      }),
      watermark: z.boolean(),
      size: z.string().regex(/^\d+\*\d+$/, 'expected W*H, like 1328*1328'),
      n: z.number().int().min(1).max(6),
    })
    .partial()
    .optional(),
  response_format: z.enum(['url', 'b64_json']).optional(),
});

export type GeminiBody = z.output<typeof geminiBody>;
export type SeedreamBody = z.output<typeof seedreamBody>;
export type GptImageBody = z.output<typeof gptImageBody>;
export type QwenBody = z.output<typeof qwenBody>;

export type GenerationRequest =
  | { family: 'gemini'; body: GeminiBody }
  | { family: 'seedream'; body: SeedreamBody }
  | { family: 'gpt-image'; body: GptImageBody }
  | { family: 'qwen'; body: QwenBody };

export type ParseOutcome =
  | { ok: true; request: GenerationRequest }
  | { ok: false; code: 'invalid_request' | 'model_not_found'; message: string; model?: string };

const modelProbe = z.object({ model: z.string().min(1) });

/** Validates a parsed JSON body against the schema of the family its model belongs to. */
export function parseGenerationBody(body: unknown): ParseOutcome {
  const probe = modelProbe.safeParse(body);
  if (!probe.success)
    return { ok: false, code: 'invalid_request', message: formatIssues(probe.error.issues) };
  const { model: modelId } = probe.data;
  const family = familyOf(modelId);
  if (family === undefined) {
    return { ok: false, code: 'model_not_found', model: modelId, message: `model ${modelId} not found` };
  }
  const fail = (error: z.ZodError): ParseOutcome => ({
    ok: false,
    code: 'invalid_request',
    model: modelId,
    message: formatIssues(error.issues),
  });
  switch (family) {
    case 'gemini': {
      const parsed = geminiBody.safeParse(body);
      return parsed.success ? { ok: true, request: { family, body: parsed.data } } : fail(parsed.error);
    }
    case 'seedream': {
      const parsed = seedreamBody.safeParse(body);
      return parsed.success ? { ok: true, request: { family, body: parsed.data } } : fail(parsed.error);
    }
    case 'gpt-image': {
      const parsed = gptImageBody.safeParse(body);
      return parsed.success ? { ok: true, request: { family, body: parsed.data } } : fail(parsed.error);
    }
    case 'qwen': {
      const parsed = qwenBody.safeParse(body);
      return parsed.success ? { ok: true, request: { family, body: parsed.data } } : fail(parsed.error);
    }
  }
}

/** `path.to.field: message` for each issue; a failed union reports its closest branch. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'invalid_union') {
        // A branch that failed deeper than its root is the one the client meant.
        const closest = issue.errors.find((branch) =>
          branch.some((inner) => inner.path.length > 0 || inner.code !== 'invalid_type'),
        );
        if (closest) return formatIssues(closest, path);
      }
      return `${path.length > 0 ? path.map(String).join('.') : 'body'}: ${issue.message}`;
    })
    .join('; ');
}
