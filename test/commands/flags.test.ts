import { describe, expect, it } from 'vitest';
import { formatOptionsAsFlags, parseInlineFlags } from '../../src/commands/flags.js';
import type { ImageOptions } from '../../src/commands/options.js';
import { ImagineError } from '../../src/core/errors.js';

const validFlags =
  'Valid: --model/-m, --size/--ar/--aspect, --resolution/--res, --quality/-q, --n/--count, --seed, ' +
  '--negative/--no, --guidance/--cfg, --temperature/--temp, --top-p, --format, --watermark/--no-watermark, ' +
  '--optimize-prompt/--optimize, --prompt-extend/--no-prompt-extend, --input-fidelity/--fidelity, ' +
  '--group/--no-group, --sref/--style-ref.';

function errorOf(run: () => unknown): ImagineError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImagineError) return error;
    throw error;
  }
  throw new Error('expected an ImagineError');
}

describe('parseInlineFlags', () => {
  it('splits the documented example into prompt and options', () => {
    expect(
      parseInlineFlags('a red fox --model seedream-4 --ar 16:9 --n 4 --seed 7 --res 2K --no text,blur'),
    ).toEqual({
      prompt: 'a red fox',
      options: {
        model: 'seedream-4',
        size: '16:9',
        n: 4,
        seed: 7,
        resolution: '2K',
        negativePrompt: 'text, blur',
      },
      rest: {},
    });
  });

  it('groups quoted words and keeps escaped quotes; quotes around the whole prompt are dropped', () => {
    expect(parseInlineFlags('"a \\"red\\" fox" --no "text, blur"')).toEqual({
      prompt: 'a "red" fox',
      options: { negativePrompt: 'text, blur' },
      rest: {},
    });
    expect(parseInlineFlags("--quality high 'a  fox'").prompt).toBe('a  fox');
  });

  it('accepts curly quotes from phones and Slack', () => {
    expect(parseInlineFlags('“a red fox” --no ‘text, blur’ --model “gpt image”')).toEqual({
      prompt: 'a red fox',
      options: { negativePrompt: 'text, blur', model: 'gpt image' },
      rest: {},
    });
  });

  it('keeps quotes, apostrophes and flag-like words inside the prompt as typed', () => {
    expect(parseInlineFlags('a sign saying "OPEN 24h" --ar 1:1 by the fox\'s den').prompt).toBe(
      'a sign saying "OPEN 24h" by the fox\'s den',
    );
    expect(parseInlineFlags('a poster reading "--no entry" --ar 2:3')).toEqual({
      prompt: 'a poster reading "--no entry"',
      options: { size: '2:3' },
      rest: {},
    });
    expect(parseInlineFlags('an "unclosed fox --ar 1:1').prompt).toBe('an "unclosed fox');
  });

  it('reads em and en dashes that chat apps made of -- as flags, names case-insensitively', () => {
    expect(parseInlineFlags('a fox —model seedream-4 –AR 16:9 —-N 2 -q HIGH')).toEqual({
      prompt: 'a fox',
      options: { model: 'seedream-4', size: '16:9', n: 2, quality: 'high' },
      rest: {},
    });
  });

  it('takes --flag=value, quoted or not', () => {
    expect(parseInlineFlags('a fox --n=3 --no="text, blur" --format=JPG --watermark=false')).toEqual({
      prompt: 'a fox',
      options: { n: 3, negativePrompt: 'text, blur', outputFormat: 'jpeg', watermark: false },
      rest: {},
    });
  });

  it('leaves a CJK, emoji and RTL prompt untouched around flags in the middle', () => {
    expect(
      parseInlineFlags('一隻可愛的橙色小貓 --ar 16:9 坐在花園裡，上面寫著“福”字 🐈‍⬛ --no 文字 مرحبا שלום'),
    ).toEqual({
      prompt: '一隻可愛的橙色小貓 坐在花園裡，上面寫著“福”字 🐈‍⬛ مرحبا שלום',
      options: { size: '16:9', negativePrompt: '文字' },
      rest: {},
    });
  });

  it('keeps a dash-prefixed word that is no flag in the prompt', () => {
    expect(parseInlineFlags('a fox —and then -ish').prompt).toBe('a fox —and then -ish');
  });

  it('continues a negative list after a trailing comma', () => {
    expect(parseInlineFlags('a fox --no text, blur, watermark in snow')).toEqual({
      prompt: 'a fox in snow',
      options: { negativePrompt: 'text, blur, watermark' },
      rest: {},
    });
  });

  it('sets switches with --x / --no-x, and takes a following true or false but no other word', () => {
    expect(parseInlineFlags('x --no-watermark --prompt-extend --group').options).toEqual({
      watermark: false,
      promptExtend: true,
      groupImages: true,
    });
    expect(parseInlineFlags('a fox --watermark false').options).toEqual({ watermark: false });
    expect(parseInlineFlags('a fox --group on a hill')).toEqual({
      prompt: 'a fox on a hill',
      options: { groupImages: true },
      rest: {},
    });
  });

  it('returns an empty prompt when the text is only flags', () => {
    expect(parseInlineFlags('--model seedream-4 --n 2')).toEqual({
      prompt: '',
      options: { model: 'seedream-4', n: 2 },
      rest: {},
    });
    expect(parseInlineFlags('   ')).toEqual({ prompt: '', options: {}, rest: {} });
  });

  it('rejects an unknown --flag, listing the valid ones', () => {
    const error = errorOf(() => parseInlineFlags('a fox --modle seedream-4'));
    expect(error.code).toBe('invalid_option');
    expect(error.option).toBe('flags');
    expect(error.message).toBe(`Unknown flag --modle. Did you mean --model? ${validFlags}`);
    expect(errorOf(() => parseInlineFlags('a fox --watermak')).message).toBe(
      `Unknown flag --watermak. Did you mean --watermark? ${validFlags}`,
    );
    expect(errorOf(() => parseInlineFlags('a fox --no-watremark')).message).toBe(
      `Unknown flag --no-watremark. Did you mean --no-watermark? ${validFlags}`,
    );
    expect(errorOf(() => parseInlineFlags('a fox --no-text')).message).toBe(
      `Unknown flag --no-text. To leave something out, write --no text. ${validFlags}`,
    );
  });

  it.each([
    ['x --n abc', 'n', '--n: "abc" is not valid; it takes a whole number from 1 to 10.'],
    ['x --count 11', 'n', '--count: "11" is not valid; it takes a whole number from 1 to 10.'],
    ['x --n', 'n', '--n needs a value; it takes a whole number from 1 to 10.'],
    ['x --n --seed 3', 'n', '--n needs a value; it takes a whole number from 1 to 10.'],
    ['x --n=', 'n', '--n needs a value; it takes a whole number from 1 to 10.'],
    [
      'x --res 8K',
      'resolution',
      '--res: "8K" is not valid; it takes a resolution tier. Valid: 1K, 2K, 3K, 4K.',
    ],
    ['x --seed -1', 'seed', '--seed: "-1" is not valid; it takes a whole number from 0 to 2147483647.'],
    ['x --seed 1.5', 'seed', '--seed: "1.5" is not valid; it takes a whole number from 0 to 2147483647.'],
    ['x --cfg 11', 'guidanceScale', '--cfg: "11" is not valid; it takes a number from 1 to 10.'],
    ['x --temp 2.5', 'temperature', '--temp: "2.5" is not valid; it takes a number from 0 to 2.'],
    ['x --top-p 1.5', 'topP', '--top-p: "1.5" is not valid; it takes a number from 0 to 1.'],
    [
      'x --format gif',
      'outputFormat',
      '--format: "gif" is not valid; it takes an image format. Valid: png, jpeg, jpg, webp.',
    ],
    [
      'x --optimize slow',
      'optimizePrompt',
      '--optimize: "slow" is not valid; it takes a prompt optimisation mode. Valid: standard, fast.',
    ],
    [
      'x --ar wide',
      'size',
      '--ar: "wide" is not valid; it takes an aspect ratio W:H (16:9) or a size WxH (1024x1024).',
    ],
    [
      'x --watermark=maybe',
      'watermark',
      '--watermark: "maybe" is not valid; it takes true or false. Valid: true, false.',
    ],
    [
      'x --no',
      'negativePrompt',
      '--no needs a value; it takes what to leave out, comma-separated (text, blur).',
    ],
  ])('rejects %j naming the valid values', (text, option, message) => {
    const error = errorOf(() => parseInlineFlags(text));
    expect(error.code).toBe('invalid_option');
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
  });

  it('rejects a flag given twice, under any of its names', () => {
    expect(errorOf(() => parseInlineFlags('x --m a --model b')).message).toBe(
      '--model was given twice (--m, --model); give it once.',
    );
    expect(errorOf(() => parseInlineFlags('x --watermark --no-watermark')).message).toBe(
      '--watermark was given twice (--watermark, --no-watermark); give it once.',
    );
    expect(errorOf(() => parseInlineFlags('x --n 2 —n 2')).option).toBe('n');
  });

  it('puts command-level flags in rest', () => {
    const extraFlags = { models: { takesValue: true, aliases: ['vs'] }, public: { takesValue: false } };
    expect(parseInlineFlags('a fox --models a, b, c --public --n 2', extraFlags)).toEqual({
      prompt: 'a fox',
      options: { n: 2 },
      rest: { models: 'a, b, c', public: 'true' },
    });
    expect(parseInlineFlags('a fox —VS a,b', extraFlags).rest).toEqual({ models: 'a,b' });
    expect(errorOf(() => parseInlineFlags('a fox --models', extraFlags)).message).toBe(
      '--models needs a value.',
    );
    expect(errorOf(() => parseInlineFlags('a fox --vs a --models b', extraFlags)).message).toBe(
      '--models was given twice (--vs, --models); give it once.',
    );
    expect(errorOf(() => parseInlineFlags('a fox --x', extraFlags)).message).toBe(
      `Unknown flag --x. ${validFlags.slice(0, -1)}, --models, --public.`,
    );
    expect(errorOf(() => parseInlineFlags('a', { m: { takesValue: true } })).code).toBe('config');
  });
});

describe('formatOptionsAsFlags', () => {
  const everything: ImageOptions = {
    model: 'seedream-4',
    size: '16:9',
    resolution: '2K',
    quality: 'high',
    n: 4,
    seed: 7,
    negativePrompt: 'text, "blur"',
    guidanceScale: 2.5,
    temperature: 1.1,
    topP: 0.95,
    outputFormat: 'jpeg',
    watermark: false,
    optimizePrompt: 'fast',
    promptExtend: true,
    inputFidelity: 'high',
    groupImages: false,
  };

  it('writes every option as a flag, quoting values that need it', () => {
    expect(formatOptionsAsFlags(everything)).toBe(
      '--model seedream-4 --size 16:9 --resolution 2K --quality high --n 4 --seed 7 ' +
        '--negative "text, \\"blur\\"" --guidance 2.5 --temperature 1.1 --top-p 0.95 --format jpeg ' +
        '--no-watermark --optimize-prompt fast --prompt-extend --input-fidelity high --no-group',
    );
    expect(formatOptionsAsFlags({ model: '-odd' })).toBe('--model "-odd"');
    expect(formatOptionsAsFlags({})).toBe('');
  });

  it('round-trips through parseInlineFlags', () => {
    expect(parseInlineFlags(formatOptionsAsFlags(everything))).toEqual({
      prompt: '',
      options: everything,
      rest: {},
    });
    const parsed = parseInlineFlags('a fox --ar 16:9 --no text,blur --watermark --seed 0').options;
    expect(parseInlineFlags(`a fox ${formatOptionsAsFlags(parsed)}`).options).toEqual(parsed);
  });
});
