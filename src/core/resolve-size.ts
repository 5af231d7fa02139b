import { invalidOption } from './errors.js';
import type { ModelRow } from './models/model-row.js';
import type { Resolution, Warning } from './request.js';
import {
  aspectOf,
  equalAspect,
  formatSize,
  nearestByAspect,
  parseSize,
  type SizeInput,
  sameAspect,
  tierOf,
  tierPixels,
} from './sizes.js';

export interface ResolvedSize {
  /** The wire value of `size` (`16:9`, `2048x2048`, `1328*1328`), if any is sent. */
  size?: string;
  /** Gemini's `image_size`, if any is sent. */
  imageSize?: Resolution;
  warnings: Warning[];
}

type Dimensions = { width: number; height: number; text: string };

function presetDimensions(row: ModelRow): Dimensions[] {
  return row.sizes.values.flatMap((text) => {
    const parsed = parseSize(text);
    return parsed ? [{ width: parsed.width, height: parsed.height, text }] : [];
  });
}

function toWire(row: ModelRow, size: { width: number; height: number }): string {
  return `${size.width}${row.sizes.separator}${size.height}`;
}

function fitsCustomRange(row: ModelRow, size: SizeInput): boolean {
  const custom = row.sizes.custom;
  if (!custom) return false;
  const pixels = size.width * size.height;
  const aspect = aspectOf(size);
  return (
    pixels >= custom.minPixels &&
    pixels <= custom.maxPixels &&
    aspect >= custom.minRatio &&
    aspect <= custom.maxRatio
  );
}

function checkResolution(row: ModelRow, resolution: Resolution): void {
  if (!row.resolutions.values.includes(resolution)) {
    throw invalidOption(
      'resolution',
      `Resolution ${resolution} is not available on ${row.displayName}.`,
      row.resolutions.values,
    );
  }
}

function resolveAspectRatioModel(
  row: ModelRow,
  parsed: SizeInput | undefined,
  resolution?: Resolution,
): ResolvedSize {
  const warnings: Warning[] = [];
  let size: string | undefined;
  if (parsed?.kind === 'ratio') {
    // Compared as numbers: 7:3 is 21:9 and 32:18 is 16:9. A ratio the model lacks becomes its nearest, with a note.
    const target = aspectOf(parsed);
    const nearest = nearestByAspect(target, presetDimensions(row));
    size = nearest?.text;
    if (nearest && !equalAspect(aspectOf(nearest), target)) {
      warnings.push({
        type: 'compatibility',
        option: 'size',
        message: `${row.displayName} has no ${formatSize(parsed)} aspect ratio; the nearest, ${nearest.text}, was sent.`,
      });
    }
  } else if (parsed?.kind === 'pixels') {
    const nearest = nearestByAspect(aspectOf(parsed), presetDimensions(row));
    size = nearest?.text;
    if (nearest) {
      warnings.push({
        type: 'compatibility',
        option: 'size',
        message: `${row.displayName} takes aspect ratios, not pixel sizes: ${formatSize(parsed)} was sent as ${nearest.text}.`,
      });
    }
  }
  const imageSize = resolution ?? row.defaults.resolution;
  if (imageSize) checkResolution(row, imageSize);
  return { ...(size ? { size } : {}), ...(imageSize ? { imageSize } : {}), warnings };
}

function resolvePresetModel(
  row: ModelRow,
  parsed: SizeInput | undefined,
  resolution?: Resolution,
): ResolvedSize {
  const warnings: Warning[] = [];
  const presets = presetDimensions(row);
  const byTier = row.resolutions.wire === 'size-tier';
  if (resolution !== undefined) {
    if (byTier) checkResolution(row, resolution);
    else
      warnings.push({
        type: 'unsupported',
        option: 'resolution',
        message: `${row.displayName} has no resolution setting; --resolution was not sent.`,
      });
  }
  const tier = byTier ? resolution : undefined;
  if (parsed?.kind === 'pixels') {
    const preset = presets.find(
      (candidate) => candidate.width === parsed.width && candidate.height === parsed.height,
    );
    if (!preset && !fitsCustomRange(row, parsed)) {
      throw invalidOption(
        'size',
        `Size ${formatSize(parsed)} is not available on ${row.displayName}.`,
        row.sizes.values,
      );
    }
    if (tier && tierOf(parsed) !== tier) {
      warnings.push({
        type: 'compatibility',
        option: 'resolution',
        message: `${formatSize(parsed)} is a ${tierOf(parsed)} size; the size was sent and --resolution ${tier} was not.`,
      });
    }
    return { size: toWire(row, parsed), warnings };
  }
  const inTier = tier ? presets.filter((candidate) => tierOf(candidate) === tier) : presets;
  const defaultSize = row.defaults.size ? parseSize(row.defaults.size) : undefined;
  if (parsed?.kind === 'ratio') {
    const target = aspectOf(parsed);
    const pixelsHint = tier
      ? tierPixels(tier)
      : defaultSize
        ? defaultSize.width * defaultSize.height
        : undefined;
    const nearest = nearestByAspect(target, inTier, pixelsHint);
    if (!nearest) return { warnings };
    if (!sameAspect(aspectOf(nearest), target)) {
      warnings.push({
        type: 'compatibility',
        option: 'size',
        message: `${row.displayName} has no ${formatSize(parsed)} size; the nearest, ${nearest.text}, was used.`,
      });
    }
    return { size: toWire(row, nearest), warnings };
  }
  if (tier) {
    const square = nearestByAspect(1, inTier, tierPixels(tier));
    return square ? { size: toWire(row, square), warnings } : { warnings };
  }
  return defaultSize ? { size: toWire(row, defaultSize), warnings } : { warnings };
}

function resolveAdaptiveModel(
  row: ModelRow,
  parsed: SizeInput | undefined,
  resolution?: Resolution,
): ResolvedSize {
  const warnings: Warning[] = [];
  if (parsed)
    warnings.push({
      type: 'unsupported',
      option: 'size',
      message: `${row.displayName} keeps the input image's aspect ratio; --size was not sent.`,
    });
  if (resolution)
    warnings.push({
      type: 'unsupported',
      option: 'resolution',
      message: `${row.displayName} has no resolution setting; --resolution was not sent.`,
    });
  return { warnings };
}

/** Turns the user's size (ratio or pixels) and resolution into what this model's wire format takes. */
export function resolveSize(
  row: ModelRow,
  sizeText: string | undefined,
  resolution?: Resolution,
): ResolvedSize {
  const parsed = sizeText === undefined ? undefined : parseSize(sizeText);
  if (sizeText !== undefined && !parsed) {
    throw invalidOption(
      'size',
      `"${sizeText}" is not a size: use an aspect ratio like 16:9 or pixels like 1024x1024.`,
      row.sizes.values,
    );
  }
  switch (row.sizes.kind) {
    case 'aspect-ratio':
      return resolveAspectRatioModel(row, parsed, resolution);
    case 'preset':
      return resolvePresetModel(row, parsed, resolution);
    case 'adaptive':
      return resolveAdaptiveModel(row, parsed, resolution);
  }
}
