import { randomInt } from 'node:crypto';
import sharp from 'sharp';
import type { DecodedImage } from './data-uri-image.js';
import {
  capSize,
  maxPixels,
  type PixelSize,
  parsePair,
  resolvePixelSize,
  type SizeRequest,
  type Tier,
  tierArea,
  tierSides,
} from './pixel-size.js';
import { type OutputFormat, renderImage } from './render.js';
import { type GenerationRequest, parseGenerationBody } from './wire-schemas.js';

/** What one valid request asks the fake to produce, whatever its family's wire shape. */
export interface GenerationPlan {
  model: string;
  prompt: string;
  inputs: DecodedImage[];
  count: number;
  format: OutputFormat;
  size: SizeRequest;
  /** The seed sent, if the family takes one and it is not "random" (-1). */
  seed: number | undefined;
  revisedPrompt: string;
  /** How `auto` delivery answers this request: Seedream "usually returns a URL", the others base64. */
  autoDelivery: 'url' | 'b64_json';
}

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

function pixels(text: string, separator: string): SizeRequest {
  return { kind: 'pixels', ...parsePair(text, separator) };
}

const oneK = tierArea('1K');

const seedreamTiers = ['1K', '2K', '4K'] as const satisfies readonly Tier[];

/** Seedream's size: `WxH`, a tier (square, the ratio then lives in the prompt) or `adaptive` to the input. */
function seedreamSize(size: string, hasInputs: boolean): SizeRequest {
  if (size.includes('x')) return pixels(size, 'x');
  if (size === 'adaptive') return hasInputs ? { kind: 'input', area: oneK } : pixels('1024x1024', 'x');
  const tier = seedreamTiers.find((candidate) => candidate === size) ?? '2K';
  const side = tierSides[tier];
  return { kind: 'pixels', width: side, height: side };
}

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
      const area = tierArea(body.image_size ?? '1K');
      const ratio = parsePair(body.size ?? '1:1', ':');
      return {
        model: body.model,
        prompt: body.prompt ?? lastUserText(contents),
        inputs,
        count: 1,
        format: body.mime_type === 'image/jpeg' ? 'jpeg' : 'png',
        size:
          body.size === undefined && inputs.length > 0
            ? { kind: 'input', area }
            : { kind: 'ratio', ...ratio, area },
        seed: undefined,
        revisedPrompt: '',
        autoDelivery: 'b64_json',
      };
    }
    case 'seedream': {
      const { body } = request;
      const contents = body.contents ?? [];
      const inputs = imagesOf(contents);
      return {
        model: body.model,
        prompt: body.prompt ?? lastUserText(contents),
        inputs,
        count:
          body.sequential_image_generation === 'auto'
            ? (body.sequential_image_generation_options?.max_images ?? 1)
            : 1,
        // Ark always answers JPEG.
        format: 'jpeg',
        size: seedreamSize(body.size ?? '2048x2048', inputs.length > 0),
        seed: body.seed === undefined || body.seed < 0 ? undefined : body.seed,
        revisedPrompt: '',
        autoDelivery: 'url',
      };
    }
    case 'gpt-image': {
      const { body } = request;
      const size = body.size === undefined || body.size === 'auto' ? '1024x1024' : body.size;
      return {
        model: body.model,
        prompt: body.prompt,
        inputs: body.image === undefined ? [] : Array.isArray(body.image) ? body.image : [body.image],
        count: body.n ?? 1,
        format: body.output_format ?? 'png',
        size: pixels(size, 'x'),
        seed: undefined,
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
      const seed = body.parameters?.seed;
      return {
        model: body.model,
        prompt,
        inputs,
        count: 1,
        format: 'png',
        size: size
          ? pixels(size, '*')
          : inputs.length > 0
            ? { kind: 'input', area: oneK }
            : pixels('1328*1328', '*'),
        seed: seed === undefined ? undefined : Number(seed),
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

/** The pixel size this plan's images have: what the request resolves to, scaled down to `maxSide` if set. */
export async function outputSize(plan: GenerationPlan, maxSide: number | undefined): Promise<PixelSize> {
  const last = plan.inputs.at(-1);
  const metadata = plan.size.kind === 'input' && last ? await sharp(last.bytes).metadata() : undefined;
  const input = metadata ? { width: metadata.width || 1, height: metadata.height || 1 } : undefined;
  return capSize(resolvePixelSize(plan.size, input), maxSide);
}

/** Why the fake will not draw a size this large (a real model would not either), or undefined. */
export function tooLarge(size: PixelSize): string | undefined {
  if (size.width * size.height <= maxPixels) return undefined;
  return `size: ${size.width}x${size.height} is over the ${maxPixels / 1_000_000}-megapixel limit`;
}

export interface RenderOptions {
  /** Longest side of the images; unset draws the size the request resolves to. */
  maxSide?: number | undefined;
  /** The seed of each image, when the request sent none (what a recorded request says was picked). */
  seeds?: readonly number[] | undefined;
}

export interface RenderedGeneration {
  images: Buffer[];
  /** The seed each image was drawn with; picked at random when the request sent none. */
  seeds: number[];
}

const maxSeed = 2_147_483_647;

/** Renders every image of a plan, in order; image i differs from image 0 even with the same seed. */
export async function renderGeneration(
  plan: GenerationPlan,
  options: RenderOptions = {},
): Promise<RenderedGeneration> {
  const { width, height } = await outputSize(plan, options.maxSide);
  const inputs = plan.inputs.map((input) => input.bytes);
  const images: Buffer[] = [];
  const seeds: number[] = [];
  for (let variant = 0; variant < plan.count; variant++) {
    const seed = plan.seed ?? options.seeds?.[variant] ?? randomInt(maxSeed);
    seeds.push(seed);
    images.push(
      await renderImage({
        model: plan.model,
        seed,
        seedPicked: plan.seed === undefined,
        prompt: plan.prompt,
        width,
        height,
        format: plan.format,
        inputs,
        variant,
        count: plan.count,
      }),
    );
  }
  return { images, seeds };
}

/**
 * The exact images the fake answers for a request body (what tests compare against). A body without a seed
 * needs the seeds the fake picked: `seeds` of its recorded request.
 */
export async function expectedImagesFor(body: unknown, options: RenderOptions = {}): Promise<Buffer[]> {
  const outcome = parseGenerationBody(body);
  if (!outcome.ok) throw new Error(outcome.message);
  const plan = planGeneration(outcome.request);
  if (plan.seed === undefined && options.seeds === undefined) {
    throw new Error('the body sends no seed: pass the seeds the fake picked (its recorded request has them)');
  }
  return (await renderGeneration(plan, options)).images;
}
