/**
 * The pixel size a request resolves to, as the real model would answer it: a `WxH` as sent, a Gemini ratio at
 * its `image_size` tier (exact ratio, about tier² pixels), or an edit's input aspect when no size is sent.
 */

export type SizeRequest =
  | { kind: 'pixels'; width: number; height: number }
  /** An aspect ratio at about `area` pixels. */
  | { kind: 'ratio'; width: number; height: number; area: number }
  /** The last input image's aspect ratio at about `area` pixels. */
  | { kind: 'input'; area: number };

export interface PixelSize {
  width: number;
  height: number;
}

/** Google's tiers: 1K is about 1024² pixels, 2K 2048², 4K 4096² (the gateway's "3K" is taken as 3072²). */
export const tierSides = { '1K': 1024, '2K': 2048, '3K': 3072, '4K': 4096 } as const;
export type Tier = keyof typeof tierSides;

export function tierArea(tier: Tier): number {
  return tierSides[tier] ** 2;
}

/** `2048x2048`, `1328*1328`, `16:9` split on `separator`; a missing or zero side counts as 1. */
export function parsePair(text: string, separator: string): PixelSize {
  const [width, height] = text.split(separator).map(Number);
  return { width: width || 1, height: height || 1 };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The exact ratio `width:height` scaled to about `area` pixels. */
function ratioAt(width: number, height: number, area: number): PixelSize {
  const divisor = Number.isInteger(width) && Number.isInteger(height) ? gcd(width, height) : 1;
  const w = width / divisor;
  const h = height / divisor;
  const scale = Math.max(1, Math.round(Math.sqrt(area / (w * h))));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** The size a request resolves to; `input` needs the last input image's own size. */
export function resolvePixelSize(size: SizeRequest, input: PixelSize | undefined): PixelSize {
  switch (size.kind) {
    case 'pixels':
      return { width: size.width, height: size.height };
    case 'ratio':
      return ratioAt(size.width, size.height, size.area);
    case 'input': {
      const aspect = input ? input.width / input.height : 1;
      const width = Math.max(1, Math.round(Math.sqrt(size.area * aspect)));
      return { width, height: Math.max(1, Math.round(width / aspect)) };
    }
  }
}

/** `size` scaled down (aspect kept) so its longest side is at most `maxSide`; unchanged without a cap. */
export function capSize(size: PixelSize, maxSide: number | undefined): PixelSize {
  const longest = Math.max(size.width, size.height);
  if (maxSide === undefined || longest <= maxSide) return size;
  const scale = maxSide / longest;
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/** The most pixels the fake draws (about 6000², above every real model's largest size). */
export const maxPixels = 36_000_000;
