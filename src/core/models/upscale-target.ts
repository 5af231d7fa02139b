import { type Resolution, resolutions } from '../request.js';
import type { ModelRow } from './model-row.js';
import { findModel } from './table.js';

export interface UpscaleTarget {
  /** A model of the same family that edits. */
  row: ModelRow;
  /** Its highest resolution tier. */
  resolution: Resolution;
}

/**
 * Where an upscale of an image made by `row` goes, read from the table: the row's `upscaleModel`, else the row
 * itself, when that model edits, is of the same family and has resolution tiers on the wire; asked for at its
 * highest tier. Undefined: the family has no such model, and the image is enlarged locally.
 */
export function upscaleTarget(row: ModelRow): UpscaleTarget | undefined {
  const named = row.capabilities.upscaleModel;
  const target = named === undefined ? row : findModel(named);
  if (target === undefined || target.family !== row.family || !target.capabilities.edit) return undefined;
  if (target.resolutions.wire === 'none') return undefined;
  const resolution = highestTier(target.resolutions.values);
  return resolution === undefined ? undefined : { row: target, resolution };
}

export function highestTier(offered: readonly Resolution[]): Resolution | undefined {
  return [...offered].sort((left, right) => resolutions.indexOf(right) - resolutions.indexOf(left))[0];
}

/** True when `tier` is above `current` in the order 1K < 2K < 3K < 4K (an unknown current is below all). */
export function isHigherTier(tier: Resolution, current: Resolution | undefined): boolean {
  return current === undefined || resolutions.indexOf(tier) > resolutions.indexOf(current);
}
