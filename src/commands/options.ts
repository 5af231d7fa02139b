import { z } from 'zod';
import { invalidOption } from '../core/errors.js';
import { outputFormats, resolutions } from '../core/request.js';
import { formatSize, parseSize } from '../core/sizes.js';

/*
 * Image options reach us two ways: typed values from a platform's option bag (Discord gives numbers and
 * booleans) or text from inline `--flags`. The schema accepts both, so both end in the same parse.
 */

const wholeNumberText = /^[+-]?\d+$/;
const decimalText = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const trueWords = ['true', 'yes', 'on', '1'];
const falseWords = ['false', 'no', 'off', '0'];
const maxSeed = 2_147_483_647;

function textTo(pattern: RegExp): (value: unknown) => unknown {
  return (value) => (typeof value === 'string' && pattern.test(value.trim()) ? Number(value.trim()) : value);
}

function toSwitch(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (trueWords.includes(word)) return true;
  if (falseWords.includes(word)) return false;
  return value;
}

/** `text,blur` and `text, blur` both become `text, blur`. */
function toCommaList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join(', ');
}

const sizeSchema = z
  .string()
  .trim()
  .transform((text, context) => {
    const size = parseSize(text);
    if (size) return formatSize(size);
    context.issues.push({ code: 'custom', message: 'not an aspect ratio or a size', input: text });
    return z.NEVER;
  });

const lowerWord = z.string().trim().toLowerCase().min(1);
const integer = (min: number, max: number) =>
  z.preprocess(textTo(wholeNumberText), z.number().int().min(min).max(max));
const decimal = (min: number, max: number) => z.preprocess(textTo(decimalText), z.number().min(min).max(max));
const switchSchema = z.preprocess(toSwitch, z.boolean());

/** One field per `ImageRequest` option, same names; every field optional. */
export const imageOptionsSchema = z.strictObject({
  model: z.string().trim().min(1).optional(),
  size: sizeSchema.optional(),
  resolution: z.string().trim().toUpperCase().pipe(z.enum(resolutions)).optional(),
  quality: lowerWord.optional(),
  n: integer(1, 10).optional(),
  seed: integer(0, maxSeed).optional(),
  negativePrompt: z.preprocess(toCommaList, z.string().min(1)).optional(),
  guidanceScale: decimal(1, 10).optional(),
  temperature: decimal(0, 2).optional(),
  topP: decimal(0, 1).optional(),
  outputFormat: z
    .string()
    .trim()
    .toLowerCase()
    .transform((format) => (format === 'jpg' ? 'jpeg' : format))
    .pipe(z.enum(outputFormats))
    .optional(),
  watermark: switchSchema.optional(),
  optimizePrompt: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['standard', 'fast']))
    .optional(),
  promptExtend: switchSchema.optional(),
  inputFidelity: lowerWord.optional(),
  groupImages: switchSchema.optional(),
});
export type ImageOptions = z.infer<typeof imageOptionsSchema>;
export type ImageOptionField = keyof ImageOptions;

export interface OptionDefinition {
  /** The structured option name and the `--flag` shown to users. */
  name: string;
  /** Other names for the same option (`--ar` for `--size`); `-x`, `—x` and `–x` work for every name. */
  aliases: readonly string[];
  field: ImageOptionField;
  /** False for a switch: `--watermark` alone means true, its `negation` (`--no-watermark`) false. */
  takesValue: boolean;
  negation?: string;
  /** Set when the value is a comma list that may be typed with spaces: `--no text, blur`. */
  list?: boolean;
  /** What the option takes, for messages: "a whole number from 1 to 10". */
  expected: string;
  choices?: readonly string[];
}

const switchChoices = ['true', 'false'];

/** The one table both entry points read; how a value is parsed lives in the field's schema above. */
export const optionDefinitions: readonly OptionDefinition[] = [
  { name: 'model', aliases: ['m'], field: 'model', takesValue: true, expected: 'a model name or id' },
  {
    name: 'size',
    aliases: ['ar', 'aspect'],
    field: 'size',
    takesValue: true,
    expected: 'an aspect ratio W:H (16:9) or a size WxH (1024x1024)',
  },
  {
    name: 'resolution',
    aliases: ['res'],
    field: 'resolution',
    takesValue: true,
    expected: 'a resolution tier',
    choices: resolutions,
  },
  {
    name: 'quality',
    aliases: ['q'],
    field: 'quality',
    takesValue: true,
    expected: 'a quality word (low, high…)',
  },
  { name: 'n', aliases: ['count'], field: 'n', takesValue: true, expected: 'a whole number from 1 to 10' },
  {
    name: 'seed',
    aliases: [],
    field: 'seed',
    takesValue: true,
    expected: `a whole number from 0 to ${maxSeed}`,
  },
  {
    name: 'negative',
    aliases: ['no'],
    field: 'negativePrompt',
    takesValue: true,
    list: true,
    expected: 'what to leave out, comma-separated (text, blur)',
  },
  {
    name: 'guidance',
    aliases: ['cfg'],
    field: 'guidanceScale',
    takesValue: true,
    expected: 'a number from 1 to 10',
  },
  {
    name: 'temperature',
    aliases: ['temp'],
    field: 'temperature',
    takesValue: true,
    expected: 'a number from 0 to 2',
  },
  { name: 'top-p', aliases: [], field: 'topP', takesValue: true, expected: 'a number from 0 to 1' },
  {
    name: 'format',
    aliases: [],
    field: 'outputFormat',
    takesValue: true,
    expected: 'an image format',
    choices: ['png', 'jpeg', 'jpg', 'webp'],
  },
  {
    name: 'watermark',
    aliases: [],
    field: 'watermark',
    takesValue: false,
    negation: 'no-watermark',
    expected: 'true or false',
    choices: switchChoices,
  },
  {
    name: 'optimize-prompt',
    aliases: ['optimize'],
    field: 'optimizePrompt',
    takesValue: true,
    expected: 'a prompt optimisation mode',
    choices: ['standard', 'fast'],
  },
  {
    name: 'prompt-extend',
    aliases: [],
    field: 'promptExtend',
    takesValue: false,
    negation: 'no-prompt-extend',
    expected: 'true or false',
    choices: switchChoices,
  },
  {
    name: 'input-fidelity',
    aliases: ['fidelity'],
    field: 'inputFidelity',
    takesValue: true,
    expected: 'a fidelity word (low, high…)',
  },
  {
    name: 'group',
    aliases: [],
    field: 'groupImages',
    takesValue: false,
    negation: 'no-group',
    expected: 'true or false',
    choices: switchChoices,
  },
];

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
