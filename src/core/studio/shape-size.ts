import type { ModelRow } from '../models/model-row.js';
import type { Resolution } from '../request.js';
import { nearestByAspect, parseSize, tierOf, tierPixels } from '../sizes.js';

/**
 * The size to ask `row` for so its answer keeps the shape of a `width`×`height` picture: the nearest aspect ratio,
 * or the nearest preset (inside `tier` where tiers are sizes). Undefined where the model follows its input image.
 */
export function sizeForShape(
  row: ModelRow,
  shape: { width: number; height: number },
  tier?: Resolution,
): string | undefined {
  if (row.sizes.kind === 'adaptive') return undefined;
  const candidates = row.sizes.values.flatMap((text) => {
    const parsed = parseSize(text);
    return parsed ? [{ width: parsed.width, height: parsed.height, text }] : [];
  });
  const aspect = shape.width / shape.height;
  if (row.sizes.kind === 'aspect-ratio') return nearestByAspect(aspect, candidates)?.text;
  const byTier = tier !== undefined && row.resolutions.wire === 'size-tier';
  const inTier = byTier ? candidates.filter((candidate) => tierOf(candidate) === tier) : [];
  const pixelsHint = byTier ? tierPixels(tier) : shape.width * shape.height;
  return nearestByAspect(aspect, inTier.length > 0 ? inTier : candidates, pixelsHint)?.text;
}
