import type { ModelRow } from '../core/models/model-row.js';
import { findModel, modelTable } from '../core/models/table.js';

/** A suggestion as users pick it: what they read and what the option receives. */
export interface Choice {
  name: string;
  value: string;
}

// Platforms show a short list of short names (Discord: 25 choices of at most 100 characters).
const maxChoices = 25;
const maxLength = 100;

const clip = (text: string) => (text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`);

/** `Nano Banana (Gemini 2.5 Flash Image) · text-to-image, edits (3 images), multi-turn`. */
export function modelChoiceName(row: ModelRow): string {
  const can = [
    row.capabilities.textToImage && 'text-to-image',
    row.capabilities.edit &&
      `edits (${row.capabilities.maxInputImages} image${row.capabilities.maxInputImages === 1 ? '' : 's'})`,
    row.capabilities.multiTurn && 'multi-turn',
  ].filter(Boolean);
  return clip(`${row.displayName} · ${can.join(', ')}`);
}

/** Models whose id, name or alias contains what was typed. */
export function modelChoices(typed: string): Choice[] {
  const needle = typed.trim().toLowerCase();
  return modelTable
    .filter((row) =>
      [row.id, row.displayName, ...row.aliases].some((name) => name.toLowerCase().includes(needle)),
    )
    .slice(0, maxChoices)
    .map((row) => ({ name: modelChoiceName(row), value: row.aliases[0] ?? row.id }));
}

/** The sizes of a model: ratios as they are, pixel sizes with their ratio. */
export function sizeChoices(modelName: string, typed: string): Choice[] {
  const row = findModel(modelName);
  if (!row) return [];
  const needle = typed.trim().toLowerCase();
  return row.sizes.values
    .filter((size) => size.toLowerCase().includes(needle))
    .slice(0, maxChoices)
    .map((size) => ({ name: clip(sizeLabel(size)), value: size }));
}

function sizeLabel(size: string): string {
  const [width, height] = size.split(/[x*]/).map(Number);
  if (!width || !height) return size;
  const divisor = greatestCommonDivisor(width, height);
  return `${size} (${width / divisor}:${height / divisor})`;
}

function greatestCommonDivisor(first: number, second: number): number {
  return second === 0 ? first : greatestCommonDivisor(second, first % second);
}
