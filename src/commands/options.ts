import { invalidOption } from '../core/errors.js';
import { type ImageOptions, imageOptionsSchema } from '../core/options/option-schemas.js';
import { type ImageOptionField, imageOptionList } from '../core/options/option-table.js';
import { toSwitch } from '../core/options/option-values.js';

/*
 * Image options reach us two ways: typed values from a platform's option bag (Discord gives numbers and
 * booleans) or text from inline `--flags`. Both are read through the one options table (src/core/options), so
 * both end in the same parse.
 */

export { type ImageOptions, imageOptionsSchema } from '../core/options/option-schemas.js';
export type { ImageOptionField } from '../core/options/option-table.js';

export interface OptionDefinition {
  /** The structured option name and the `--flag` shown to users. */
  name: string;
  /** Other names for the same option (`--ar` for `--size`); `-x`, `—x` and `–x` work for every name. */
  aliases: readonly string[];
  field: ImageOptionField;
  /** False for a switch: `--watermark` alone means true, its `negation` (`--no-watermark`) false. */
  takesValue: boolean;
  negation?: string;
  /** The value when the flag stands alone (`--sref` at the end, or before another flag). */
  bareValue?: string;
  /** Set when the value is a comma list that may be typed with spaces: `--no text, blur`. */
  list?: boolean;
  /** What the option takes, for messages: "a whole number from 1 to 10". */
  expected: string;
  choices?: readonly string[];
}

/** The table as the flag readers see it. */
export const optionDefinitions: readonly OptionDefinition[] = imageOptionList.map((option) => ({
  name: option.flag,
  aliases: option.aliases,
  field: option.field,
  takesValue: option.value.takesValue,
  ...(option.negation !== undefined && { negation: option.negation }),
  ...(option.bareValue !== undefined && { bareValue: option.bareValue }),
  ...(option.list && { list: true }),
  expected: option.value.expected,
  ...(option.value.choices !== undefined && { choices: option.value.choices }),
}));

export interface OptionMatch {
  definition: OptionDefinition;
  /** True for `no-watermark`-style names: the value is inverted. */
  negated: boolean;
}

const optionsByName = new Map<string, OptionMatch>();
for (const definition of optionDefinitions) {
  for (const name of [definition.name, ...definition.aliases]) {
    optionsByName.set(name, { definition, negated: false });
  }
  if (definition.negation) optionsByName.set(definition.negation, { definition, negated: true });
}

/** Finds an option by any of its names, case-insensitively. */
export function findOption(name: string): OptionMatch | undefined {
  return optionsByName.get(name.toLowerCase());
}

/** A switch's value after `--no-…`: only a real boolean is inverted; anything else fails in the schema. */
export function switchValue(value: unknown, negated: boolean): unknown {
  const parsed = toSwitch(value);
  return negated && typeof parsed === 'boolean' ? !parsed : parsed;
}

export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function describeExpected(definition: OptionDefinition): string {
  return `it takes ${definition.expected}.`;
}

/** Collected raw values (field → value) through the schema; a bad one names the option as the user wrote it. */
export function validateOptions(
  values: Partial<Record<ImageOptionField, unknown>>,
  labels: ReadonlyMap<ImageOptionField, string>,
): ImageOptions {
  const parsed = imageOptionsSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path[0];
  const definition = optionDefinitions.find((candidate) => candidate.field === field);
  if (!definition) throw invalidOption('options', 'The image options are not valid.');
  const label = labels.get(definition.field) ?? definition.name;
  throw invalidOption(
    definition.field,
    `${label}: ${showValue(values[definition.field])} is not valid; ${describeExpected(definition)}`,
    definition.choices,
  );
}

/**
 * Reads a platform's option bag (`{ negative: 'text', n: 4 }`). Names are those of the flag table (aliases too);
 * names that are not image options (`prompt`, attachments…) are left to the command; null means not given.
 */
export function parseStructuredOptions(raw: Record<string, unknown>): ImageOptions {
  const values: Partial<Record<ImageOptionField, unknown>> = {};
  const labels = new Map<ImageOptionField, string>();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    const match = findOption(name);
    if (!match) continue;
    const { definition, negated } = match;
    const earlier = labels.get(definition.field);
    if (earlier !== undefined) {
      throw invalidOption(
        definition.field,
        `${definition.name} was given twice (${earlier}, ${name}); give it once.`,
      );
    }
    labels.set(definition.field, name);
    values[definition.field] = definition.takesValue ? value : switchValue(value, negated);
  }
  return validateOptions(values, labels);
}
