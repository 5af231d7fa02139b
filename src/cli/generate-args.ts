import { parseArgs } from 'node:util';
import { z } from 'zod';
import { invalidOption } from '../core/errors.js';
import { outputFormats, resolutions } from '../core/request.js';

/** `imagine-bot generate` options, as node:util parseArgs declares them. */
export const generateOptions = {
  model: { type: 'string', short: 'm' },
  size: { type: 'string' },
  resolution: { type: 'string' },
  quality: { type: 'string' },
  n: { type: 'string' },
  seed: { type: 'string' },
  negative: { type: 'string' },
  guidance: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  format: { type: 'string' },
  watermark: { type: 'boolean' },
  'no-watermark': { type: 'boolean' },
  'optimize-prompt': { type: 'string' },
  'prompt-extend': { type: 'boolean' },
  'no-prompt-extend': { type: 'boolean' },
  'input-fidelity': { type: 'string' },
  group: { type: 'boolean' },
  image: { type: 'string', multiple: true },
  out: { type: 'string', default: 'out' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const number = (flag: string, integer = false) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return undefined;
      const parsed = Number(value);
      if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
        context.addIssue({
          code: 'custom',
          message: `--${flag} takes ${integer ? 'a whole number' : 'a number'} (got "${value}").`,
        });
        return z.NEVER;
      }
      return parsed;
    });

const choice = <const T extends readonly [string, ...string[]]>(flag: string, values: T) =>
  z
    .enum(values, {
      error: (issue) => `--${flag} takes ${values.join(', ')} (got "${String(issue.input)}").`,
    })
    .optional();

const generateArgsSchema = z.object({
  model: z.string().optional(),
  size: z.string().optional(),
  resolution: z
    .string()
    .optional()
    .transform((value) => value?.toUpperCase())
    .pipe(choice('resolution', resolutions)),
  quality: z.string().optional(),
  n: number('n', true),
  seed: number('seed', true),
  negative: z.string().optional(),
  guidance: number('guidance'),
  temperature: number('temperature'),
  'top-p': number('top-p'),
  format: z
    .string()
    .optional()
    .transform((value) => (value?.toLowerCase() === 'jpg' ? 'jpeg' : value?.toLowerCase()))
    .pipe(choice('format', outputFormats)),
  watermark: z.boolean().optional(),
  'no-watermark': z.boolean().optional(),
  'optimize-prompt': choice('optimize-prompt', ['standard', 'fast']),
  'prompt-extend': z.boolean().optional(),
  'no-prompt-extend': z.boolean().optional(),
  'input-fidelity': z.string().optional(),
  group: z.boolean().optional(),
  image: z.array(z.string()).default([]),
  out: z.string().default('out'),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

export interface GenerateArgs {
  prompt: string;
  imageFiles: string[];
  outDir: string;
  json: boolean;
  help: boolean;
  /** Request options that were given; an option not given is left out (the model row decides). */
  request: {
    model?: string;
    size?: string;
    resolution?: (typeof resolutions)[number];
    quality?: string;
    n?: number;
    seed?: number;
    negativePrompt?: string;
    guidanceScale?: number;
    temperature?: number;
    topP?: number;
    outputFormat?: (typeof outputFormats)[number];
    watermark?: boolean;
    optimizePrompt?: 'standard' | 'fast';
    promptExtend?: boolean;
    inputFidelity?: string;
    groupImages?: boolean;
  };
}

function pair(yes: boolean | undefined, no: boolean | undefined, flag: string): boolean | undefined {
  if (yes && no) throw invalidOption(flag, `Give --${flag} or --no-${flag}, not both.`);
  return yes ? true : no ? false : undefined;
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Parses `generate`'s argv; a bad or unknown flag is an `invalid_option` error that names the valid ones. */
export function parseGenerateArgs(argv: readonly string[]): GenerateArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof generateOptions; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: generateOptions, allowPositionals: true, strict: true });
  } catch (error) {
    const valid = Object.keys(generateOptions).map((name) => `--${name}`);
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'bad arguments';
    throw invalidOption(
      'arguments',
      `${reason?.replace(/\. To specify.*$/, '')}.`.replace(/\.\.$/, '.'),
      valid,
    );
  }
  const result = generateArgsSchema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidOption(String(issue?.path[0] ?? 'arguments'), issue?.message ?? 'Bad arguments.');
  }
  const values = result.data;
  return {
    prompt: parsed.positionals.join(' ').trim(),
    imageFiles: values.image,
    outDir: values.out,
    json: values.json,
    help: values.help,
    request: defined({
      model: values.model,
      size: values.size,
      resolution: values.resolution,
      quality: values.quality,
      n: values.n,
      seed: values.seed,
      negativePrompt: values.negative,
      guidanceScale: values.guidance,
      temperature: values.temperature,
      topP: values['top-p'],
      outputFormat: values.format,
      watermark: pair(values.watermark, values['no-watermark'], 'watermark'),
      optimizePrompt: values['optimize-prompt'],
      promptExtend: pair(values['prompt-extend'], values['no-prompt-extend'], 'prompt-extend'),
      inputFidelity: values['input-fidelity'],
      groupImages: values.group,
    }),
  };
}

export const generateUsage = `Usage: imagine-bot generate "<prompt>" [options]

  --model ID              model id or alias (default: DEFAULT_MODEL); see the README's model table
  --size 16:9|WxH         aspect ratio or pixel size
  --resolution 1K|2K|4K   resolution tier, where the model has one
  --quality Q             low | medium | high | auto, where the model has it
  --n N                   how many images
  --seed N  --negative TEXT  --guidance X  --temperature X  --top-p X
  --format png|jpeg       output format, where the model has a choice
  --watermark | --no-watermark
  --optimize-prompt standard|fast   --prompt-extend | --no-prompt-extend
  --input-fidelity F      GPT Image edits
  --group                 Seedream group images (up to --n related images in one call)
  --image FILE            an input image (repeat for several): edit or fusion
  --out DIR               where the images go (default ./out)
  --json                  print one JSON object on stdout
`;
