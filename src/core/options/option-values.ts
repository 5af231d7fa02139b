import { z } from 'zod';
import { formatSize, parseSize } from '../sizes.js';

/*
 * The kinds of value an image option takes. Each kind knows three things: the value as a request and a job hold it
 * (`stored`), how a user's text or a platform's typed value becomes it (`input`, coerced and range-checked), and
 * how a platform with typed options declares it (`platform`, e.g. Discord's option types).
 */

export type PlatformValue =
  | { type: 'string'; choices?: readonly string[] }
  | { type: 'integer' | 'number'; min: number; max: number }
  | { type: 'boolean' };

export interface OptionValue<Stored extends z.ZodType = z.ZodType, Input extends z.ZodType = z.ZodType> {
  stored: Stored;
  input: Input;
  /** What it takes, for messages: "a whole number from 1 to 10". */
  expected: string;
  /** Valid words, where there is a fixed list (shown in messages). */
  choices?: readonly string[];
  /** False for a switch: `--watermark` alone means true. */
  takesValue: boolean;
  platform: PlatformValue;
}

const wholeNumberText = /^[+-]?\d+$/;
const decimalText = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const trueWords = ['true', 'yes', 'on', '1'];
const falseWords = ['false', 'no', 'off', '0'];

function textTo(pattern: RegExp): (value: unknown) => unknown {
  return (value) => (typeof value === 'string' && pattern.test(value.trim()) ? Number(value.trim()) : value);
}

/** `yes`, `on`, `1`… become true; anything else is left for the schema to refuse. */
export function toSwitch(value: unknown): unknown {
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

/** Free text, trimmed (a model name). */
export const text = (expected: string) =>
  ({
    stored: z.string().trim().min(1),
    input: z.string().trim().min(1),
    expected,
    takesValue: true,
    platform: { type: 'string' },
  }) satisfies OptionValue;

/** A word the model row checks (quality, input fidelity); `suggested` are offered where a platform lists choices. */
export const word = (expected: string, suggested: readonly string[]) =>
  ({
    stored: z.string().trim(),
    input: z.string().trim().toLowerCase().min(1),
    expected,
    takesValue: true,
    platform: { type: 'string', choices: suggested },
  }) satisfies OptionValue;

/** One of a fixed list; `synonyms` are other spellings of a value (`jpg` → `jpeg`). */
export const choice = <const Values extends readonly [string, ...string[]]>(
  expected: string,
  values: Values,
  options: { upperCase?: boolean; synonyms?: Readonly<Record<string, Values[number]>> } = {},
) => {
  const synonyms: Readonly<Record<string, string>> = options.synonyms ?? {};
  return {
    stored: z.enum(values),
    input: z
      .string()
      .trim()
      .transform((value) => (options.upperCase ? value.toUpperCase() : value.toLowerCase()))
      .transform((value) => synonyms[value] ?? value)
      .pipe(z.enum(values)),
    expected,
    choices: values.flatMap((value) => [
      value,
      ...Object.keys(synonyms).filter((synonym) => synonyms[synonym] === value),
    ]),
    takesValue: true,
    platform: { type: 'string', choices: values },
  } satisfies OptionValue;
};

export const integer = (expected: string, min: number, max: number, storedMin?: number) =>
  ({
    stored: storedMin === undefined ? z.number().int() : z.number().int().min(storedMin),
    input: z.preprocess(textTo(wholeNumberText), z.number().int().min(min).max(max)),
    expected,
    takesValue: true,
    platform: { type: 'integer', min, max },
  }) satisfies OptionValue;

export const decimal = (expected: string, min: number, max: number) =>
  ({
    stored: z.number(),
    input: z.preprocess(textTo(decimalText), z.number().min(min).max(max)),
    expected,
    takesValue: true,
    platform: { type: 'number', min, max },
  }) satisfies OptionValue;

/** On or off: `--watermark`, `--no-watermark`, `--watermark false`. */
export const onOff = () =>
  ({
    stored: z.boolean(),
    input: z.preprocess(toSwitch, z.boolean()),
    expected: 'true or false',
    choices: ['true', 'false'],
    takesValue: false,
    platform: { type: 'boolean' },
  }) satisfies OptionValue;

/** Words to leave out, comma-separated; typed with or without spaces. */
export const commaList = (expected: string) =>
  ({
    stored: z.string().trim().min(1),
    input: z.preprocess(toCommaList, z.string().min(1)),
    expected,
    takesValue: true,
    platform: { type: 'string' },
  }) satisfies OptionValue;

/** An aspect ratio (`16:9`) or a pixel size (`1024x1024`, `1328*1328`), stored in its canonical form. */
export const sizeText = (expected: string) =>
  ({
    stored: z.string().trim(),
    input: z
      .string()
      .trim()
      .transform((value, context) => {
        const size = parseSize(value);
        if (size) return formatSize(size);
        context.issues.push({ code: 'custom', message: 'not an aspect ratio or a size', input: value });
        return z.NEVER;
      }),
    expected,
    takesValue: true,
    platform: { type: 'string' },
  }) satisfies OptionValue;
