import { z } from 'zod';
import { ImagineError } from '../errors.js';
import { classifyErrorPayload, type ErrorContext } from './classify-error.js';

// The gateway is new-api-shaped: item fields have no `omitempty`, so the unused one comes back as "" (absent).
const bytesSchema = z.union([
  z
    .instanceof(Uint8Array)
    .transform((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  // The stream decoder already turns b64_json into bytes; a plain string is decoded here as a fallback.
  z.string().transform((text) => Buffer.from(text, 'base64')),
]);

/** Ark reports a per-image failure (moderation of one image of a group) as `data[i].error`. */
const itemErrorSchema = z.object({
  code: z.union([z.string(), z.number()]).nullish(),
  message: z.string().nullish(),
});

export const imageItemSchema = z.object({
  url: z.string().nullish(),
  b64_json: bytesSchema.nullish(),
  revised_prompt: z.string().nullish(),
  error: itemErrorSchema.nullish(),
});
const itemsSchema = z.array(imageItemSchema);

/** Plain OpenAI-style `{created, data:[…]}`. */
export const plainResponseSchema = z.object({ created: z.number().nullish(), data: itemsSchema });

/** The gateway's wrapper `{code:200, msg, data:{data:[…], created}}`; `data` is sometimes the list itself. */
export const wrappedResponseSchema = z.object({
  code: z.union([z.number(), z.string()]),
  msg: z.string().nullish(),
  data: z.union([z.object({ data: itemsSchema, created: z.number().nullish() }), itemsSchema]).nullish(),
});

/** Just enough of the top level to decide which shape we hold. */
const envelopeSchema = z.object({ code: z.unknown().optional(), error: z.unknown().optional() });

/** One image the API returned: its bytes, or a URL to download at once. */
export type ReturnedImage =
  | { bytes: Buffer; url?: undefined; revisedPrompt?: string }
  | { bytes?: undefined; url: string; revisedPrompt?: string };

export interface ParsedImageResponse {
  images: ReturnedImage[];
  /** Per-image failures while other images of the same answer succeeded. */
  failures: ImagineError[];
}

/**
 * Reads a decoded 2xx answer. Throws an ImagineError when the whole answer is a failure: a wrapped
 * `code != 200`, an error body, a Gemini block, no image at all (`empty_result`) or an unknown shape.
 */
export function parseImageResponse(payload: unknown, context: ErrorContext): ParsedImageResponse {
  const envelope = envelopeSchema.safeParse(payload);
  if (!envelope.success) throw malformed('The image API answered with something other than a JSON object.');
  const top = envelope.data;
  if (top.error !== undefined && top.error !== null) throw classifyErrorPayload(payload, context);
  if (top.code !== undefined && top.code !== null && String(top.code) !== '200') {
    throw classifyErrorPayload(payload, context);
  }

  const items = top.code === undefined ? parsePlain(payload) : parseWrapped(payload);
  if (items === undefined) {
    throwIfBlocked(payload, context);
    throw malformed('The image API answer has no image list.');
  }

  const images: ReturnedImage[] = [];
  const failures: ImagineError[] = [];
  for (const item of items) {
    const revisedPrompt = nonEmpty(item.revised_prompt);
    const extra = revisedPrompt === undefined ? {} : { revisedPrompt };
    const url = nonEmpty(item.url);
    if (item.b64_json && item.b64_json.length > 0) {
      images.push({ bytes: item.b64_json, ...extra });
    } else if (url !== undefined) {
      images.push({ url, ...extra });
    } else if (item.error) {
      failures.push(classifyErrorPayload({ error: item.error }, context));
    }
  }
  if (images.length === 0 && failures.length === 0) {
    throwIfBlocked(payload, context);
    throw new ImagineError('empty_result', 'The model returned no image.', {
      retryable: true,
      status: context.status,
    });
  }
  if (images.length === 0 && failures.length > 0) {
    // Nothing succeeded: the first per-image failure stands for the answer.
    throw failures[0];
  }
  return { images, failures };
}

type Item = z.infer<typeof imageItemSchema>;

function parsePlain(payload: unknown): Item[] | undefined {
  const parsed = plainResponseSchema.safeParse(payload);
  return parsed.success ? parsed.data.data : undefined;
}

function parseWrapped(payload: unknown): Item[] | undefined {
  const parsed = wrappedResponseSchema.safeParse(payload);
  if (!parsed.success || !parsed.data.data) return undefined;
  const data = parsed.data.data;
  return Array.isArray(data) ? data : data.data;
}

/** A 200 without images may still carry a filter signal (Gemini `promptFeedback.blockReason`, `finishReason`). */
function throwIfBlocked(payload: unknown, context: ErrorContext): void {
  const error = classifyErrorPayload(payload, context);
  if (error.code === 'content_policy') throw error;
}

function nonEmpty(text: string | null | undefined): string | undefined {
  return text === undefined || text === null || text.trim() === '' ? undefined : text;
}

function malformed(message: string): ImagineError {
  return new ImagineError('malformed_response', message, { retryable: true });
}
