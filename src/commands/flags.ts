import { didYouMean } from '../core/closest-name.js';
import { ImagineError, invalidOption } from '../core/errors.js';
import { argvTokens, type Token, tokenize } from './flag-tokens.js';
import {
  describeExpected,
  findOption,
  type ImageOptionField,
  type ImageOptions,
  type OptionDefinition,
  optionDefinitions,
  switchValue,
  validateOptions,
} from './options.js';

/** A command-level flag another command adds (compare's `--models a,b,c`); its value lands in `rest`. */
export interface ExtraFlag {
  takesValue: boolean;
  aliases?: string[];
  /** May be given several times (the CLI's `--image a.png --image b.png`); its values land in `repeated`. */
  multiple?: boolean;
}

export interface InlineFlagsResult {
  prompt: string;
  options: ImageOptions;
  rest: Record<string, string>;
}

export interface ArgvFlagsResult extends InlineFlagsResult {
  /** Values of flags that may be given several times, in order. */
  repeated: Record<string, string[]>;
}

type FlagTarget =
  | { kind: 'option'; definition: OptionDefinition; negated: boolean }
  | { kind: 'extra'; key: string; takesValue: boolean; list: boolean; multiple: boolean };

interface FlagToken {
  target: FlagTarget;
  /** The flag as the user meant it, for messages: `—Model` becomes `--model`. */
  label: string;
  inlineValue: string | undefined;
}

type ExtraTarget = Extract<FlagTarget, { kind: 'extra' }>;
type ExtraIndex = ReadonlyMap<string, ExtraTarget>;

// `--`, and the em/en dashes chat apps turn `--` into; a single `-` works for known names only.
const flagPattern = /^(--|[—–]-?|-)([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/iu;

/** A one-letter alias is shown as the README shows it, `-m`; longer ones as `--ar`. */
const showAlias = (alias: string): string => (alias.length === 1 ? `-${alias}` : `--${alias}`);

function flagList(extras: ExtraIndex): string[] {
  const optionFlags = optionDefinitions.map((definition) =>
    [
      `--${definition.name}`,
      ...(definition.negation ? [`--${definition.negation}`] : []),
      ...definition.aliases.map(showAlias),
    ].join('/'),
  );
  return [...optionFlags, ...new Set([...extras.values()].map((extra) => `--${extra.key}`))];
}

/** Every name a flag may be typed as, for "did you mean". */
function flagNames(extras: ExtraIndex): string[] {
  return [
    ...optionDefinitions.flatMap((definition) => [
      definition.name,
      ...(definition.negation ? [definition.negation] : []),
      ...definition.aliases,
    ]),
    ...extras.keys(),
  ];
}

function unknownFlag(name: string, extras: ExtraIndex): ImagineError {
  const suggestion = didYouMean(name, flagNames(extras), (closest) => `--${closest}`);
  const hint =
    suggestion === '' && name.startsWith('no-')
      ? ` To leave something out, write --no ${name.slice(3)}.`
      : suggestion;
  return invalidOption('flags', `Unknown flag --${name}.${hint}`, flagList(extras));
}

/** The flag a token stands for; undefined for prompt text. Only an unknown `--word` is an error. */
function readFlag(token: Token, extras: ExtraIndex): FlagToken | undefined {
  if (token.quoted) return undefined;
  const parts = flagPattern.exec(token.value);
  if (!parts) return undefined;
  const [, prefix, spelled = '', inlineValue] = parts;
  const name = spelled.toLowerCase();
  const option = findOption(name);
  const target: FlagTarget | undefined = option ? { kind: 'option', ...option } : extras.get(name);
  if (target) return { target, label: `--${name}`, inlineValue };
  if (prefix === '--') throw unknownFlag(name, extras);
  return undefined;
}

const targetKey = (target: FlagTarget): string =>
  target.kind === 'option' ? `option:${target.definition.field}` : `extra:${target.key}`;
const targetName = (target: FlagTarget): string =>
  target.kind === 'option' ? target.definition.name : target.key;
const takesValue = (target: FlagTarget): boolean =>
  target.kind === 'option' ? target.definition.takesValue : target.takesValue;

function missingValue(flag: FlagToken): ImagineError {
  const { target } = flag;
  if (target.kind === 'extra') return invalidOption(target.key, `${flag.label} needs a value.`);
  return invalidOption(
    target.definition.field,
    `${flag.label} needs a value; ${describeExpected(target.definition)}`,
    target.definition.choices,
  );
}

const isSwitchWord = (token: Token | undefined): boolean =>
  token !== undefined && !token.quoted && /^(?:true|false)$/iu.test(token.value);

/** The value after a flag: the next word, and for a list the words after a trailing comma (`--no text, blur`). */
function takeValue(tokens: readonly Token[], from: number, flag: FlagToken, extras: ExtraIndex) {
  const first = tokens[from];
  if (!first || readFlag(first, extras)) throw missingValue(flag);
  const list = flag.target.kind === 'option' ? flag.target.definition.list === true : flag.target.list;
  let value = first.value;
  let last = from;
  while (list && !first.quoted && value.endsWith(',')) {
    const following = tokens[last + 1];
    if (!following || readFlag(following, extras)) break;
    value = `${value} ${following.value}`;
    last += 1;
  }
  return { value, last };
}

function indexExtras(extraFlags: Record<string, ExtraFlag>): ExtraIndex {
  const index = new Map<string, ExtraTarget>();
  for (const [key, extra] of Object.entries(extraFlags)) {
    for (const name of [key, ...(extra.aliases ?? [])]) {
      // A programming mistake in a command's definition, not a user error.
      if (findOption(name))
        throw new ImagineError('config', `The command flag --${name} clashes with an image option.`);
      const target: ExtraTarget = {
        kind: 'extra',
        key,
        takesValue: extra.takesValue,
        list: extra.takesValue && !extra.multiple,
        multiple: extra.multiple === true,
      };
      index.set(name.toLowerCase(), target);
    }
  }
  return index;
}

/**
 * Splits `a red fox --ar 16:9 --no text,blur` into the prompt and the options. Flags may stand anywhere; the
 * rest, in the user's order, is the prompt (quotes around a whole prompt are dropped, other quotes kept).
 */
export function parseInlineFlags(
  text: string,
  extraFlags: Record<string, ExtraFlag> = {},
): InlineFlagsResult {
  const { repeated: _repeated, ...result } = parseFlagTokens(tokenize(text), extraFlags);
  return result;
}

/** The same reading for a command line's arguments (`imagine-bot generate`): one parser for both. */
export function parseArgvFlags(
  argv: readonly string[],
  extraFlags: Record<string, ExtraFlag> = {},
): ArgvFlagsResult {
  return parseFlagTokens(argvTokens(argv), extraFlags);
}

function parseFlagTokens(tokens: readonly Token[], extraFlags: Record<string, ExtraFlag>): ArgvFlagsResult {
  const extras = indexExtras(extraFlags);
  const promptTokens: Token[] = [];
  const seen = new Map<string, string>();
  const values: Partial<Record<ImageOptionField, unknown>> = {};
  const labels = new Map<ImageOptionField, string>();
  const rest: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};

  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const flag = token && readFlag(token, extras);
    if (!flag) {
      if (token) promptTokens.push(token);
      continue;
    }
    const { target } = flag;
    const earlier = seen.get(targetKey(target));
    if (earlier !== undefined && !(target.kind === 'extra' && target.multiple)) {
      throw invalidOption(
        target.kind === 'option' ? target.definition.field : target.key,
        `--${targetName(target)} was given twice (${earlier}, ${flag.label}); give it once.`,
      );
    }
    seen.set(targetKey(target), flag.label);

    let value = flag.inlineValue;
    const bareValue = target.kind === 'option' ? target.definition.bareValue : undefined;
    const next = tokens[index + 1];
    if (bareValue !== undefined && value === undefined && (!next || readFlag(next, extras))) {
      value = bareValue;
    }
    if (takesValue(target) && value === undefined) {
      const taken = takeValue(tokens, index + 1, flag, extras);
      value = taken.value;
      index = taken.last;
    }
    if (takesValue(target) && value?.trim() === '') throw missingValue(flag);
    // `--watermark false` is how people type it; only the exact words, so `--group on a hill` keeps its prompt.
    if (!takesValue(target) && value === undefined && isSwitchWord(tokens[index + 1])) {
      value = tokens[index + 1]?.value;
      index += 1;
    }

    if (target.kind === 'extra' && target.multiple) {
      repeated[target.key] = [...(repeated[target.key] ?? []), value ?? 'true'];
      continue;
    }
    if (target.kind === 'extra') {
      rest[target.key] = value ?? 'true';
      continue;
    }
    labels.set(target.definition.field, flag.label);
    values[target.definition.field] = target.definition.takesValue
      ? value
      : switchValue(value ?? 'true', target.negated);
  }

  const onlyToken = promptTokens.length === 1 ? promptTokens[0] : undefined;
  const prompt = onlyToken?.quoted
    ? onlyToken.value.trim()
    : promptTokens.map((token) => token.literal).join(' ');
  return { prompt, options: validateOptions(values, labels), rest, repeated };
}

/** Quotes a value when the tokenizer would otherwise split it or read it as a flag. */
function quoteValue(value: string): string {
  const plain = value.length > 0 && !/[\s"“”'‘’\\]/u.test(value) && !/^[-—–]/u.test(value);
  return plain ? value : `"${value.replace(/(["“”'‘’])/gu, '\\$1')}"`;
}

/** The inverse of `parseInlineFlags` for the options: `--model seedream-4 --size 16:9 --negative "text, blur"`. */
export function formatOptionsAsFlags(options: ImageOptions): string {
  const parts: string[] = [];
  for (const definition of optionDefinitions) {
    const value = options[definition.field];
    if (value === undefined) continue;
    if (typeof value === 'boolean' && !definition.takesValue) {
      parts.push(
        value
          ? `--${definition.name}`
          : definition.negation
            ? `--${definition.negation}`
            : `--${definition.name}=false`,
      );
    } else {
      parts.push(`--${definition.name} ${quoteValue(String(value))}`);
    }
  }
  return parts.join(' ');
}
