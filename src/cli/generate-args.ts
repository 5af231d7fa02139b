import { type ExtraFlag, parseArgvFlags } from '../commands/flags.js';
import type { ImageOptions } from '../commands/options.js';
import { invalidOption } from '../core/errors.js';
import { imageOptionList } from '../core/options/option-table.js';

/** `generate`'s own flags; every image option comes from the options table, read by the same parser as chat flags. */
const generateFlags = {
  image: { takesValue: true, multiple: true },
  out: { takesValue: true },
  json: { takesValue: false },
  help: { takesValue: false, aliases: ['h'] },
} satisfies Record<string, ExtraFlag>;

export interface GenerateArgs {
  prompt: string;
  imageFiles: string[];
  outDir: string;
  json: boolean;
  help: boolean;
  /** Request options that were given; an option not given is left out (the model row decides). */
  request: ImageOptions;
}

const isOn = (value: string | undefined) => value !== undefined && value.toLowerCase() !== 'false';

/** Parses `generate`'s argv; a bad or unknown flag is an `invalid_option` error that names the valid ones. */
export function parseGenerateArgs(argv: readonly string[]): GenerateArgs {
  const parsed = parseArgvFlags(argv, generateFlags);
  if (parsed.rest.out !== undefined && parsed.rest.out.trim() === '') {
    throw invalidOption('out', '--out needs a folder.');
  }
  return {
    prompt: parsed.prompt.trim(),
    imageFiles: parsed.repeated.image ?? [],
    outDir: parsed.rest.out ?? 'out',
    json: isOn(parsed.rest.json),
    help: isOn(parsed.rest.help),
    request: parsed.options,
  };
}

function optionUsage(option: (typeof imageOptionList)[number]): string {
  const names = [option.flag, ...(option.negation ? [option.negation] : [])].map((name) => `--${name}`);
  const value = option.value.takesValue
    ? ` ${option.value.choices ? option.value.choices.join('|') : option.flag === 'model' ? 'ID' : 'X'}`
    : '';
  return `  ${`${names.join(' | ')}${value}`.padEnd(34)} ${option.help}`;
}

export const generateUsage = `Usage: imagine-bot generate "<prompt>" [options]

${imageOptionList.map(optionUsage).join('\n')}
  ${'--image FILE'.padEnd(34)} an input image (repeat for several): edit or fusion
  ${'--out DIR'.padEnd(34)} where the images go (default ./out)
  ${'--json'.padEnd(34)} print one JSON object on stdout
Every flag has the same spellings and aliases as in the chat (--ar for --size, -m for --model).
`;
