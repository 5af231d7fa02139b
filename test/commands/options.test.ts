import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseInlineFlags } from '../../src/commands/flags.js';
import {
  type ImageOptions,
  imageOptionsSchema,
  optionDefinitions,
  parseStructuredOptions,
} from '../../src/commands/options.js';
import { ImagineError } from '../../src/core/errors.js';
import { type ImageRequest, imageRequestSchema } from '../../src/core/request.js';

function errorOf(run: () => unknown): ImagineError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImagineError) return error;
    throw error;
  }
  throw new Error('expected an ImagineError');
}

describe('imageOptionsSchema', () => {
  it('has exactly the option fields of ImageRequest, with compatible types', () => {
    type RequestOptions = Omit<ImageRequest, 'model' | 'prompt' | 'images' | 'styleImages' | 'history'> & {
      model?: string;
    };
    expectTypeOf<ImageOptions>().toEqualTypeOf<Partial<RequestOptions>>();
    expect(Object.keys(imageOptionsSchema.shape).sort()).toEqual(
      Object.keys(imageRequestSchema.shape)
        .filter((key) => !['prompt', 'images', 'styleImages', 'history'].includes(key))
        .sort(),
    );
    expect(optionDefinitions.map((definition) => definition.field).sort()).toEqual(
      Object.keys(imageOptionsSchema.shape).sort(),
    );
  });

  it('rejects keys that are not options', () => {
    expect(imageOptionsSchema.safeParse({ negative: 'text' }).success).toBe(false);
  });

  it('produces options that ImageRequest accepts as they are', () => {
    const { prompt, options } = parseInlineFlags(
      'a fox --model seedream-4 --ar 1328*1328 --res 4k --q HIGH --format jpg --optimize Fast --cfg 2.5 --top-p .9',
    );
    expect(options).toEqual({
      model: 'seedream-4',
      size: '1328x1328',
      resolution: '4K',
      quality: 'high',
      outputFormat: 'jpeg',
      optimizePrompt: 'fast',
      guidanceScale: 2.5,
      topP: 0.9,
    });
    expect(imageRequestSchema.parse({ prompt, ...options })).toEqual({
      prompt: 'a fox',
      images: [],
      styleImages: [],
      history: [],
      ...options,
    });
  });
});

describe('parseStructuredOptions', () => {
  it('gives the same options as the inline flags for the same input', () => {
    const inline = parseInlineFlags(
      'a fox --model seedream-4 --size 16:9 --resolution 2k --n 4 --seed 7 --negative text,blur ' +
        '--guidance 5.5 --temperature 1.1 --top-p 0.95 --format png --no-watermark --optimize-prompt standard ' +
        '--prompt-extend --input-fidelity low --group --quality medium --sref k3J9xQ2mPz1a',
    ).options;
    const structured = parseStructuredOptions({
      prompt: 'a fox',
      model: 'seedream-4',
      size: '16:9',
      resolution: '2k',
      n: 4,
      seed: 7,
      negative: 'text,blur',
      guidance: 5.5,
      temperature: 1.1,
      'top-p': 0.95,
      format: 'png',
      watermark: false,
      'optimize-prompt': 'standard',
      'prompt-extend': true,
      sref: 'k3J9xQ2mPz1a',
      'input-fidelity': 'low',
      group: true,
      quality: 'medium',
    });
    expect(structured).toEqual(inline);
    expect(Object.keys(structured)).toHaveLength(optionDefinitions.length);
  });

  it('takes text values (Slack modals), aliases and negations; null means not given', () => {
    expect(
      parseStructuredOptions({
        ar: '3:4',
        count: '2',
        'no-watermark': true,
        group: 'yes',
        seed: null,
        image: {},
      }),
    ).toEqual({ size: '3:4', n: 2, watermark: false, groupImages: true });
  });

  it.each([
    [{ n: 0 }, 'n', 'n: 0 is not valid; it takes a whole number from 1 to 10.'],
    [{ n: 2.5 }, 'n', 'n: 2.5 is not valid; it takes a whole number from 1 to 10.'],
    [
      { seed: 2_147_483_648 },
      'seed',
      'seed: 2147483648 is not valid; it takes a whole number from 0 to 2147483647.',
    ],
    [
      { resolution: '8K' },
      'resolution',
      'resolution: "8K" is not valid; it takes a resolution tier. Valid: 1K, 2K, 3K, 4K.',
    ],
    [
      { watermark: 'maybe' },
      'watermark',
      'watermark: "maybe" is not valid; it takes true or false. Valid: true, false.',
    ],
    [
      { negative: ' , ' },
      'negativePrompt',
      'negative: " , " is not valid; it takes what to leave out, comma-separated (text, blur).',
    ],
    [
      { temperature: Number.NaN },
      'temperature',
      'temperature: NaN is not valid; it takes a number from 0 to 2.',
    ],
  ])('rejects %j naming the option and its valid values', (raw, option, message) => {
    const error = errorOf(() => parseStructuredOptions(raw));
    expect(error.code).toBe('invalid_option');
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
  });

  it('rejects one option given under two names', () => {
    expect(errorOf(() => parseStructuredOptions({ size: '1:1', ar: '16:9' })).message).toBe(
      'size was given twice (size, ar); give it once.',
    );
  });
});
