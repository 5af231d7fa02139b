import { didYouMean } from '../closest-name.js';
import { ImagineError } from '../errors.js';
import type { ModelRow } from './model-row.js';
import { geminiRows } from './rows/gemini.js';
import { gptImageRows } from './rows/gpt-image.js';
import { qwenRows } from './rows/qwen.js';
import { seedreamRows } from './rows/seedream.js';

/** Every model the bot knows, in the order `models` lists them. Adding a model is adding a row. */
export const modelTable: readonly ModelRow[] = [...geminiRows, ...seedreamRows, ...gptImageRows, ...qwenRows];

const byName = new Map<string, ModelRow>();
for (const row of modelTable) {
  for (const name of [row.id, ...row.aliases]) {
    const key = name.toLowerCase();
    if (byName.has(key)) throw new Error(`Model table: the name "${name}" is used twice.`);
    byName.set(key, row);
  }
}

/** The row for an id or alias (case-insensitive), or undefined. */
export function findModel(name: string): ModelRow | undefined {
  return byName.get(name.trim().toLowerCase());
}

/** The row for an id or alias; an unknown name is a typed error that lists the valid ones. */
export function resolveModel(name: string): ModelRow {
  const row = findModel(name);
  if (row) return row;
  const choices = modelTable.map((candidate) => candidate.aliases[0] ?? candidate.id);
  const suggestion = didYouMean(name, byName.keys());
  throw new ImagineError(
    'unknown_model',
    `Unknown model "${name}".${suggestion} Valid models: ${choices.join(', ')}.`,
    {
      choices,
      option: 'model',
    },
  );
}
