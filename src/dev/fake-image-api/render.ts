import { createHash } from 'node:crypto';
import sharp from 'sharp';

/**
 * Real, deterministic image bytes. The pixels come from a hash of the prompt (two colours and a stripe
 * pattern), so tests can tell results apart and recompute the exact bytes; an edit blends the input
 * images, resized to the output size, with that pattern, so its output depends on the inputs too.
 */

export const outputFormats = ['png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export const defaultMaxSide = 256;

export interface RenderSpec {
  prompt: string;
  width: number;
  height: number;
  format: OutputFormat;
  /** Input images of an edit, in request order; each fills an equal vertical strip of the output. */
  inputs?: readonly Buffer[];
  /** Which of several images answered for one request (0 for the first). */
  variant?: number;
}

interface Palette {
  base: readonly [number, number, number];
  accent: readonly [number, number, number];
  pattern: 'horizontal' | 'vertical' | 'checker' | 'diagonal';
  stripe: number;
}

const patterns = ['horizontal', 'vertical', 'checker', 'diagonal'] as const;

export function paletteFor(prompt: string, variant = 0): Palette {
  const digest = createHash('sha256').update(`${variant}\n${prompt}`).digest();
  const byte = (index: number) => digest[index] ?? 0;
  return {
    base: [byte(0), byte(1), byte(2)],
    accent: [255 - byte(0), byte(3), byte(4)],
    pattern: patterns[byte(5) % patterns.length] ?? 'checker',
    stripe: 4 + (byte(6) % 28),
  };
}

function isAccent(palette: Palette, x: number, y: number): boolean {
  const { stripe } = palette;
  switch (palette.pattern) {
    case 'horizontal':
      return Math.floor(y / stripe) % 2 === 1;
    case 'vertical':
      return Math.floor(x / stripe) % 2 === 1;
    case 'checker':
      return (Math.floor(x / stripe) + Math.floor(y / stripe)) % 2 === 1;
    case 'diagonal':
      return Math.floor((x + y) / stripe) % 2 === 1;
  }
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

export async function renderImage(spec: RenderSpec): Promise<Buffer> {
  const { width, height } = spec;
  const palette = paletteFor(spec.prompt, spec.variant);
  const inputs = spec.inputs ?? [];
  const underlay = inputs.length > 0 ? await composeInputs(inputs, width, height) : undefined;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = isAccent(palette, x, y) ? palette.accent : palette.base;
      const offset = (y * width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const tint = colour[channel] ?? 0;
        // An edit keeps 60% of its input and takes 40% of the prompt's pattern.
        pixels[offset + channel] = underlay
          ? Math.round(((underlay[offset + channel] ?? 0) * 3 + tint * 2) / 5)
          : tint;
      }
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  switch (spec.format) {
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
  }
}

/** The bytes the fake answers for `prompt` (a square PNG of `maxSide` unless told otherwise). */
export function renderFor(
  prompt: string,
  options: Partial<Omit<RenderSpec, 'prompt'>> = {},
): Promise<Buffer> {
  return renderImage({
    prompt,
    width: options.width ?? defaultMaxSide,
    height: options.height ?? defaultMaxSide,
    format: options.format ?? 'png',
    inputs: options.inputs ?? [],
    variant: options.variant ?? 0,
  });
}

/**
 * Output dimensions: the requested ratio with its longest side at `maxSide`; a pixel size larger than
 * `maxSide` is scaled down to it, a smaller one kept.
 */
export function outputDimensions(
  width: number,
  height: number,
  maxSide: number,
  kind: 'ratio' | 'pixels',
): { width: number; height: number } {
  const longest = Math.max(width, height);
  const scale = kind === 'pixels' && longest <= maxSide ? 1 : maxSide / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
