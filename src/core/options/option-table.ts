import type { ModelRow, NumberRange } from '../models/model-row.js';
import {
  choice,
  commaList,
  decimal,
  integer,
  type OptionValue,
  onOff,
  sizeText,
  text,
  word,
} from './option-values.js';

/** What a model row says about an option: a range, a list of values, on/off, or nothing (not taken). */
export type OptionSupport = NumberRange | readonly string[] | boolean | undefined;

export interface ImageOptionSpec<Value extends OptionValue = OptionValue> {
  /** The name users type (`--negative`) and the name of a platform's option. */
  flag: string;
  /** Other names (`--no`); `-x`, `—x` and `–x` work for every name. */
  aliases: readonly string[];
  /** The value of the flag given alone (`a fox --sref` means the attached images). */
  bareValue?: string;
  /** A switch's off spelling: `--no-watermark`. */
  negation?: string;
  /** The value is a comma list that may be typed with spaces: `--no text, blur`. */
  list?: boolean;
  value: Value;
  /** One line for help texts and platform option descriptions (Discord: 100 characters at most). */
  help: string;
  /**
   * Which models take it, from their row. Absent: every model, or a rule of its own elsewhere (model, size,
   * resolution, n, format). A model that does not take a given option gets a warning, never a silent drop.
   */
  takes?: (row: ModelRow) => OptionSupport;
  /** A user or a channel may preset it (`settings set`). */
  preset?: boolean;
  /** Platforms offer suggestions as the user types (Discord autocomplete). */
  suggest?: boolean;
}

const define = <const Value extends OptionValue, const Spec extends ImageOptionSpec<Value>>(spec: Spec) =>
  spec;

/** A switch: `--flag`, `--no-flag`, `--flag false`. */
const onOffOption = (flag: string, help: string, takes: (row: ModelRow) => OptionSupport) =>
  define({ flag, aliases: [], negation: `no-${flag}`, value: onOff(), help, takes });

export const maxSeed = 2_147_483_647;

/** `--sref attached` (or `--sref` alone): the attached images are style references, not the subject. */
export const attachedStyleReference = 'attached';

/**
 * The one table of image options: every entry point (inline flags, platform option bags, the CLI, settings) and
 * every derived shape (request, job, settings, Discord's definitions, help texts) reads it. Keys are the request's
 * field names.
 */
export const imageOptionTable = {
  model: define({
    flag: 'model',
    aliases: ['m'],
    value: text('a model name or id'),
    help: 'Model: name or id (type to search)',
    preset: true,
    suggest: true,
  }),
  size: define({
    flag: 'size',
    aliases: ['ar', 'aspect'],
    value: sizeText('an aspect ratio W:H (16:9) or a size WxH (1024x1024)'),
    help: 'Aspect ratio (16:9) or size (1024x1024) of the chosen model',
    preset: true,
    suggest: true,
  }),
  resolution: define({
    flag: 'resolution',
    aliases: ['res'],
    value: choice('a resolution tier', ['1K', '2K', '3K', '4K'], { upperCase: true }),
    help: 'Resolution tier, where the model has tiers',
    preset: true,
  }),
  quality: define({
    flag: 'quality',
    aliases: ['q'],
    value: word('a quality word (low, high…)', ['low', 'medium', 'high', 'auto']),
    help: 'Quality, where the model has it',
    takes: (row) => row.qualities,
    preset: true,
  }),
  n: define({
    flag: 'n',
    aliases: ['count'],
    value: integer('a whole number from 1 to 10', 1, 10, 1),
    help: 'How many images',
    preset: true,
  }),
  seed: define({
    flag: 'seed',
    aliases: [],
    value: integer(`a whole number from 0 to ${maxSeed}`, 0, maxSeed),
    help: 'Seed, where the model takes one',
    takes: (row) => row.options.seed,
  }),
  negativePrompt: define({
    flag: 'negative',
    aliases: ['no'],
    list: true,
    value: commaList('what to leave out, comma-separated (text, blur)'),
    help: 'What to leave out, comma-separated (text, blur)',
    takes: (row) => row.options.negativePrompt,
    preset: true,
  }),
  guidanceScale: define({
    flag: 'guidance',
    aliases: ['cfg'],
    value: decimal('a number from 1 to 10', 1, 10),
    help: 'Guidance scale 1–10 (Seedream)',
    takes: (row) => row.options.guidanceScale,
  }),
  temperature: define({
    flag: 'temperature',
    aliases: ['temp'],
    value: decimal('a number from 0 to 2', 0, 2),
    help: 'Sampling temperature 0–2 (Gemini)',
    takes: (row) => row.options.temperature,
  }),
  topP: define({
    flag: 'top-p',
    aliases: [],
    value: decimal('a number from 0 to 1', 0, 1),
    help: 'Sampling top-p 0–1 (Gemini)',
    takes: (row) => row.options.topP,
  }),
  outputFormat: define({
    flag: 'format',
    aliases: [],
    value: choice('an image format', ['png', 'jpeg', 'webp'], { synonyms: { jpg: 'jpeg' } }),
    help: 'Output format, where the model has a choice',
  }),
  watermark: onOffOption(
    'watermark',
    'Watermark (Seedream, Qwen; Seedream’s is off unless asked)',
    (row) => row.options.watermark,
  ),
  optimizePrompt: define({
    flag: 'optimize-prompt',
    aliases: ['optimize'],
    value: choice('a prompt optimisation mode', ['standard', 'fast']),
    help: 'Prompt optimisation (Seedream)',
    takes: (row) => row.options.optimizePrompt,
  }),
  promptExtend: onOffOption(
    'prompt-extend',
    'Let the model rewrite the prompt (Qwen)',
    (row) => row.options.promptExtend,
  ),
  inputFidelity: define({
    flag: 'input-fidelity',
    aliases: ['fidelity'],
    value: word('a fidelity word (low, high…)', ['low', 'high']),
    help: 'How closely an edit keeps the input (GPT Image)',
    takes: (row) => row.options.inputFidelity,
  }),
  groupImages: onOffOption(
    'group',
    'Seedream group images: up to n related images in one call',
    (row) => row.options.groupImages,
  ),
  styleReference: define({
    flag: 'sref',
    aliases: ['style-ref'],
    bareValue: attachedStyleReference,
    value: text('a result id (shown in every caption), or "attached" for the attached images'),
    help: 'Style reference: a result id, or "attached" (the attached images give the style)',
  }),
};

export type ImageOptionTable = typeof imageOptionTable;
export type ImageOptionField = keyof ImageOptionTable;

export const imageOptionFields = Object.keys(imageOptionTable) as ImageOptionField[];

/** Each option with its field, in the table's order. */
export const imageOptionList: readonly (ImageOptionSpec & { field: ImageOptionField })[] =
  imageOptionFields.map((field) => ({ ...imageOptionTable[field], field }));
