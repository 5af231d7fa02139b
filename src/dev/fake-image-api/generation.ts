import sharp from 'sharp';
import type { DecodedImage } from './data-uri-image.js';
import { defaultMaxSide, type OutputFormat, outputDimensions, renderImage } from './render.js';
import { type GenerationRequest, parseGenerationBody } from './wire-schemas.js';

/** What one valid request asks the fake to produce, whatever its family's wire shape. */
export interface GenerationPlan {
  prompt: string;
  inputs: DecodedImage[];
  count: number;
  format: OutputFormat;
  size: SizeRequest;
  revisedPrompt: string;
  /** How `auto` delivery answers this request: Seedream "usually returns a URL", the others base64. */
  autoDelivery: 'url' | 'b64_json';
}

/** A ratio or a pixel size from the request, or "follow the last input image". */
type SizeRequest = { kind: 'ratio' | 'pixels'; width: number; height: number } | { kind: 'input' };

interface Turn {
  role: string;
  parts: readonly { text?: string | undefined; image?: DecodedImage | undefined }[];
}

function lastUserText(contents: readonly Turn[]): string {
  const turn = contents.findLast(
    (candidate) => candidate.role === 'user' && candidate.parts.some((part) => part.text),
  );
  return (turn?.parts ?? []).flatMap((part) => (part.text ? [part.text] : [])).join('\n');
}

function imagesOf(contents: readonly Turn[]): DecodedImage[] {
  return contents.flatMap((turn) => turn.parts.flatMap((part) => (part.image ? [part.image] : [])));
}

function parseSize(size: string, separator: string, kind: 'ratio' | 'pixels'): SizeRequest {
  const [width, height] = size.split(separator).map(Number);
  return { kind, width: width || 1, height: height || 1 };
}

const square: SizeRequest = { kind: 'ratio', width: 1, height: 1 };

/** Qwen's `prompt_extend` rewrite, made visible as `revised_prompt`. */
export function extendPrompt(prompt: string): string {
  return `${prompt}. Rich detail, balanced composition, soft natural light, sharp focus.`;
}

export function planGeneration(request: GenerationRequest): GenerationPlan {
  switch (request.family) {
    case 'gemini': {
      const { body } = request;
      const contents = body.contents ?? [];
      const inputs = imagesOf(contents);
      return {
        prompt: body.prompt ?? lastUserText(contents),
        inputs,
        count: 1,
        format: body.mime_type === 'image/jpeg' ? 'jpeg' : 'png',
        size: body.size ? parseSize(body.size, ':', 'ratio') : inputs.length > 0 ? { kind: 'input' } : square,
        revisedPrompt: '',
        autoDelivery: 'b64_json',
      };
    }
    case 'seedream': {
      const { body } = request;
      const contents = body.contents ?? [];
      const inputs = imagesOf(contents);
      const size = body.size ?? '2048x2048';
      return {
        prompt: body.prompt ?? lastUserText(contents),
        inputs,
        count:
          body.sequential_image_generation === 'auto'
            ? (body.sequential_image_generation_options?.max_images ?? 1)
            : 1,
        // Ark always answers JPEG.
        format: 'jpeg',
        size: size.includes('x')
          ? parseSize(size, 'x', 'pixels')
          : size === 'adaptive' && inputs.length > 0
            ? { kind: 'input' }
            : square,
        revisedPrompt: '',
        autoDelivery: 'url',
      };
    }
    case 'gpt-image': {
      const { body } = request;
      const size = body.size === undefined || body.size === 'auto' ? '1024x1024' : body.size;
      return {
        prompt: body.prompt,
        inputs: body.image === undefined ? [] : Array.isArray(body.image) ? body.image : [body.image],
        count: body.n ?? 1,
        format: body.output_format ?? 'png',
        size: parseSize(size, 'x', 'pixels'),
        revisedPrompt: '',
        autoDelivery: 'b64_json',
      };
    }
    case 'qwen': {
      const { body } = request;
      const content = body.input.messages.flatMap((message) => message.content);
      const prompt = content.flatMap((item) => (item.text ? [item.text] : [])).join('\n');
      const inputs = content.flatMap((item) => (item.image ? [item.image] : []));
      const size = body.parameters?.size;
      return {
        prompt,
        inputs,
        count: 1,
        format: 'png',
        size: size ? parseSize(size, '*', 'pixels') : inputs.length > 0 ? { kind: 'input' } : square,
        // DashScope rewrites the prompt unless told not to (prompt_extend defaults to true).
        revisedPrompt: body.parameters?.prompt_extend === false ? '' : extendPrompt(prompt),
        autoDelivery: body.response_format === 'url' ? 'url' : 'b64_json',
      };
    }
  }
}

/**
 * Gemini 3 Pro Image rejects a replayed model image without its thought signature (upstream-notes §2);
 * the gateway's wire format has no field for one. Returns Google's message, positions counted from 1.
 */
export function missingThoughtSignature(request: GenerationRequest): string | undefined {
  if (request.family !== 'gemini' || !request.body.model.startsWith('gemini-3-pro-image')) return undefined;
  for (const [turnIndex, turn] of (request.body.contents ?? []).entries()) {
    if (turn.role !== 'model') continue;
    const partIndex = turn.parts.findIndex((part) => part.image !== undefined);
    if (partIndex >= 0) {
      return `Image part is missing a thought_signature in content position ${turnIndex + 1}, part position ${partIndex + 1}.`;
    }
  }
  return undefined;
}

async function dimensionsFor(
  plan: GenerationPlan,
  maxSide: number,
): Promise<{ width: number; height: number }> {
  if (plan.size.kind !== 'input')
    return outputDimensions(plan.size.width, plan.size.height, maxSide, plan.size.kind);
  const last = plan.inputs.at(-1);
  const metadata = last ? await sharp(last.bytes).metadata() : { width: 1, height: 1 };
  return outputDimensions(metadata.width || 1, metadata.height || 1, maxSide, 'ratio');
}

/** Renders every image of a plan, in order; variant i differs from variant 0 for the same prompt. */
export async function renderGeneration(plan: GenerationPlan, maxSide = defaultMaxSide): Promise<Buffer[]> {
  const { width, height } = await dimensionsFor(plan, maxSide);
  const inputs = plan.inputs.map((input) => input.bytes);
  const images: Buffer[] = [];
  for (let variant = 0; variant < plan.count; variant++) {
    images.push(
      await renderImage({ prompt: plan.prompt, width, height, format: plan.format, inputs, variant }),
    );
  }
  return images;
}

/** The exact images the fake answers for a request body (what tests compare against). */
export async function expectedImagesFor(body: unknown, maxSide = defaultMaxSide): Promise<Buffer[]> {
  const outcome = parseGenerationBody(body);
  if (!outcome.ok) throw new Error(outcome.message);
  return renderGeneration(planGeneration(outcome.request), maxSide);
}
