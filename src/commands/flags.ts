import { ImagineError, invalidOption } from '../core/errors.js';
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
}

export interface InlineFlagsResult {
  prompt: string;
  options: ImageOptions;
  rest: Record<string, string>;
}

interface Token {
  /** Quotes removed, escapes applied: what a flag receives. */
  value: string;
  /** Quotes kept as typed (they often mark text to render in the image), escapes applied. */
  literal: string;
  /** The token is one quoted group: it is never a flag. */
  quoted: boolean;
}

// Curly quotes come from iOS, macOS and Slack; a straight closer is accepted after a curly opener.
const closersByOpener: Record<string, string> = { '"': '"', '“': '”"', "'": "'", '‘': "’'" };
const quoteCharacters = '"“”\'‘’';
const isSpace = (character: string | undefined): boolean => character !== undefined && /\s/u.test(character);

function unescapeQuotes(text: string): string {
  return text.replace(/\\(["“”'‘’])/gu, '$1');
}

/**
 * Finds the quote that closes a group opened before `from`: unescaped and followed by a space or the end.
 * Searches only move forward, so an answer is reused while it still lies ahead: linear even on `"a "a "a …`.
 */
function createCloserFinder(text: string): (from: number, closers: string) => number {
  const found = new Map<string, { from: number; at: number }>();
  return (from, closers) => {
    const cached = found.get(closers);
    if (cached && from >= cached.from && (cached.at === -1 || from <= cached.at)) return cached.at;
    let at = -1;
    for (let index = from; index < text.length && at === -1; index += 1) {
      const character = text[index] ?? '';
      const escaped = index > from && text[index - 1] === '\\';
      const beforeSpace = index + 1 === text.length || isSpace(text[index + 1]);
      if (closers.includes(character) && !escaped && beforeSpace) at = index;
    }
    found.set(closers, { from, at });
    return at;
  };
}

/**
 * Shell-like split on whitespace. A quote opens a group only at the start of a word or after `=`, and closes only
 * before a space, so apostrophes (`fox's`) and quotes inside words (`寫著“福”字`) stay plain text; an unclosed
 * quote is plain text too.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const findCloser = createCloserFinder(text);
  let index = 0;
  while (index < text.length) {
    if (isSpace(text[index])) {
      index += 1;
      continue;
    }
    const start = index;
    let value = '';
    let literal = '';
    let quoted = false;
    while (index < text.length && !isSpace(text[index])) {
      const character = text[index] ?? '';
      const next = text[index + 1];
      if (character === '\\' && next !== undefined && quoteCharacters.includes(next)) {
        value += next;
        literal += next;
        index += 2;
        continue;
      }
      const closers = closersByOpener[character];
      const canOpen = index === start || text[index - 1] === '=';
      const closeAt = closers && canOpen ? findCloser(index + 1, closers) : -1;
      if (closeAt === -1) {
        value += character;
        literal += character;
        index += 1;
        continue;
      }
      const inner = unescapeQuotes(text.slice(index + 1, closeAt));
      value += inner;
      literal += `${character}${inner}${text[closeAt] ?? ''}`;
      quoted = index === start;
      index = closeAt + 1;
    }
    tokens.push({ value, literal, quoted });
  }
  return tokens;
}

type FlagTarget =
  | { kind: 'option'; definition: OptionDefinition; negated: boolean }
  | { kind: 'extra'; key: string; takesValue: boolean; list: boolean };

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

function flagList(extras: ExtraIndex): string[] {
  const optionFlags = optionDefinitions.map((definition) =>
    [definition.name, ...(definition.negation ? [definition.negation] : []), ...definition.aliases]
      .map((name) => `--${name}`)
      .join('/'),
  );
  return [...optionFlags, ...new Set([...extras.values()].map((extra) => `--${extra.key}`))];
}

function unknownFlag(name: string, extras: ExtraIndex): ImagineError {
  const hint = name.startsWith('no-') ? ` To leave something out, write --no ${name.slice(3)}.` : '';
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
        list: extra.takesValue,
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
  const extras = indexExtras(extraFlags);
  const tokens = tokenize(text);
  const promptTokens: Token[] = [];
  const seen = new Map<string, string>();
  const values: Partial<Record<ImageOptionField, unknown>> = {};
  const labels = new Map<ImageOptionField, string>();
  const rest: Record<string, string> = {};

  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const flag = token && readFlag(token, extras);
    if (!flag) {
      if (token) promptTokens.push(token);
      continue;
    }
    const { target } = flag;
    const earlier = seen.get(targetKey(target));
    if (earlier !== undefined) {
      throw invalidOption(
        target.kind === 'option' ? target.definition.field : target.key,
        `--${targetName(target)} was given twice (${earlier}, ${flag.label}); give it once.`,
      );
    }
    seen.set(targetKey(target), flag.label);

    let value = flag.inlineValue;
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
  return { prompt, options: validateOptions(values, labels), rest };
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
