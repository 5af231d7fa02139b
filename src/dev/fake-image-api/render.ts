import sharp from 'sharp';
import { labelsSvg, type SceneSpec, sceneSvg, svgDocument } from './scene.js';

/**
 * Real, deterministic image bytes: the scene of scene.ts (its look from a hash of model, seed, variant and
 * prompt) with the model, seed, size and the prompt's first words written on it. An edit draws the input
 * images, resized to the output size, under the scene at 40%, so its output depends on the inputs too.
 */

export const outputFormats = ['png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export interface RenderSpec {
  prompt: string;
  /** The model id written on the image. */
  model: string;
  seed: number;
  /** The fake picked the seed (the request sent none); the label says "random seed". */
  seedPicked?: boolean;
  width: number;
  height: number;
  format: OutputFormat;
  /** Input images of an edit, in request order; each fills an equal vertical strip of the output. */
  inputs?: readonly Buffer[];
  /** Which of `count` images answered for one request (0 for the first). */
  variant?: number;
  count?: number;
  /** Write the labels (default true); false draws the scene alone. */
  labels?: boolean;
}

/** The input images side by side, as raw RGB of the output size. */
async function composeInputs(inputs: readonly Buffer[], width: number, height: number): Promise<Buffer> {
  const canvas = Buffer.alloc(width * height * 3);
  for (const [index, input] of inputs.entries()) {
    const left = Math.floor((width * index) / inputs.length);
    const right = Math.floor((width * (index + 1)) / inputs.length);
    if (right <= left) continue;
    const strip = await sharp(input)
      .resize(right - left, height, { fit: 'fill' })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
    const stripWidth = right - left;
    for (let y = 0; y < height; y++) {
      strip.copy(canvas, (y * width + left) * 3, y * stripWidth * 3, (y + 1) * stripWidth * 3);
    }
  }
  return canvas;
}

function sceneOf(spec: RenderSpec): SceneSpec {
  return {
    model: spec.model,
    seed: spec.seed,
    seedPicked: spec.seedPicked ?? false,
    prompt: spec.prompt,
    width: spec.width,
    height: spec.height,
    variant: spec.variant ?? 0,
    count: spec.count ?? 1,
  };
}

/** The picture as raw RGB pixels. */
export async function renderPixels(spec: RenderSpec): Promise<Buffer> {
  const { width, height } = spec;
  const scene = sceneOf(spec);
  const inputs = spec.inputs ?? [];
  const edit = inputs.length > 0;
  const base = edit ? await composeInputs(inputs, width, height) : Buffer.alloc(width * height * 3);
  const labels = spec.labels === false ? '' : labelsSvg(scene);
  const overlay = svgDocument(width, height, `${sceneSvg(scene, edit ? 0.4 : 1)}${labels}`);
  return sharp(base, { raw: { width, height, channels: 3 } })
    .composite([{ input: overlay }])
    .removeAlpha()
    .raw()
    .toBuffer();
}

export async function renderImage(spec: RenderSpec): Promise<Buffer> {
  const { width, height } = spec;
  const image = sharp(await renderPixels(spec), { raw: { width, height, channels: 3 } });
  switch (spec.format) {
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
  }
}

/** The side of renderFor's square images: small, so tests that only need a real picture stay fast. */
export const sampleSide = 256;

/** A real image for tests: a square PNG of `sampleSide` by the model `fake-image` with seed 0, unless told. */
export function renderFor(
  prompt: string,
  options: Partial<Omit<RenderSpec, 'prompt'>> = {},
): Promise<Buffer> {
  return renderImage({
    model: 'fake-image',
    seed: 0,
    width: sampleSide,
    height: sampleSide,
    format: 'png',
    ...options,
    prompt,
  });
}
