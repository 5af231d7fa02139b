/** Parsing and matching of sizes: aspect ratios (`16:9`) and pixel sizes (`1024x1024`, `1328*1328`, `1024×1024`). */

export type SizeInput =
  | { kind: 'ratio'; width: number; height: number }
  | { kind: 'pixels'; width: number; height: number };

const ratioPattern = /^(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$/;
const pixelsPattern = /^(\d{2,5})\s*[x*×X]\s*(\d{2,5})$/;

export function parseSize(text: string): SizeInput | undefined {
  const trimmed = text.trim();
  const ratio = ratioPattern.exec(trimmed);
  if (ratio) {
    const width = Number(ratio[1]);
    const height = Number(ratio[2]);
    return width > 0 && height > 0 ? { kind: 'ratio', width, height } : undefined;
  }
  const pixels = pixelsPattern.exec(trimmed);
  if (pixels) {
    const width = Number(pixels[1]);
    const height = Number(pixels[2]);
    return width > 0 && height > 0 ? { kind: 'pixels', width, height } : undefined;
  }
  return undefined;
}

/** Canonical `WxH` (or `W:H`) text of a parsed size. */
export function formatSize(size: SizeInput): string {
  return size.kind === 'ratio' ? `${size.width}:${size.height}` : `${size.width}x${size.height}`;
}

export function aspectOf(size: { width: number; height: number }): number {
  return size.width / size.height;
}

/**
 * The candidate whose aspect ratio is closest to `target` (compared on a log scale, so 2:1 and 1:2 are equally far
 * from 1:1); among equally close candidates the one nearest in pixel count to `pixelsHint` wins.
 */
export function nearestByAspect<T extends { width: number; height: number }>(
  target: number,
  candidates: readonly T[],
  pixelsHint?: number,
): T | undefined {
  let best: T | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let bestPixelDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = Math.abs(Math.log(aspectOf(candidate)) - Math.log(target));
    const pixelDistance =
      pixelsHint === undefined ? 0 : Math.abs(Math.log((candidate.width * candidate.height) / pixelsHint));
    const closer = distance < bestDistance - 1e-9;
    const tie = Math.abs(distance - bestDistance) <= 1e-9 && pixelDistance < bestPixelDistance;
    if (closer || tie) {
      best = candidate;
      bestDistance = distance;
      bestPixelDistance = pixelDistance;
    }
  }
  return best;
}

/** True when two ratios are the same number (`7:3` and `21:9`, `32:18` and `16:9`). */
export function equalAspect(left: number, right: number): boolean {
  return Math.abs(left - right) <= 1e-9 * Math.max(left, right);
}

/** True when two aspect ratios are the same to within 1 %. */
export function sameAspect(left: number, right: number): boolean {
  return Math.abs(Math.log(left) - Math.log(right)) < 0.01;
}

/** Typical pixel count of a resolution tier (1K ≈ 1024², 2K ≈ 2048², …). */
export function tierPixels(tier: string): number {
  const side = Number.parseInt(tier, 10) * 1024;
  return side * side;
}

/** The tier a pixel size belongs to, by its pixel count. */
export function tierOf(size: { width: number; height: number }): string {
  const pixels = size.width * size.height;
  if (pixels <= 1.6 * 1024 * 1024) return '1K';
  if (pixels <= 6 * 1024 * 1024) return '2K';
  if (pixels <= 12 * 1024 * 1024) return '3K';
  return '4K';
}
