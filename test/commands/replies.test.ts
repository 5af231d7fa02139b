import { describe, expect, it } from 'vitest';
import {
  caption,
  errorReply,
  errorText,
  footnote,
  formatDuration,
  progressText,
  quotaText,
  resultButtons,
} from '../../src/commands/replies/index.js';
import { type ErrorCode, ImagineError, invalidOption } from '../../src/core/errors.js';
import { findModel, resolveModel } from '../../src/core/models/index.js';
import { makeJob } from './replies-fixtures.js';

function row(name: string) {
  const found = findModel(name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
}

const fixedTexts: [ErrorCode, string][] = [
  ['config', 'The bot is not set up correctly — an admin needs to check its configuration.'],
  ['auth', 'The image service refused our key — an admin needs to check IMAGE_API_KEY.'],
  ['quota', 'The image service account has run out of credit — an admin needs to top it up.'],
  [
    'content_policy',
    'The image service blocked this request as unsafe content. Rephrase the prompt, or try another model with --model.',
  ],
  ['rate_limit', 'The image service is busy (rate limited). Press Retry or try again in a minute.'],
  ['upstream', 'The image service had a problem on its side. Press Retry or try again in a moment.'],
  ['timeout', 'The image service took too long. Press Retry or try again.'],
  ['network', 'Could not reach the image service. Press Retry or try again in a moment.'],
  [
    'malformed_response',
    'The image service sent back something that is not an image. Press Retry or try again.',
  ],
  ['empty_result', 'The model returned no image. Try rephrasing the prompt, or press Retry.'],
  ['download_failed', 'The image was made but could not be downloaded. Press Retry or try again.'],
  ['cancelled', 'Cancelled.'],
];

describe('errorText', () => {
  it.each(fixedTexts)('says what happened and what to do for %s, whatever the core message', (code, text) => {
    const error = new ImagineError(code, 'internal detail: HTTP 502 from https://gateway.example/v1 <html>');
    expect(errorText(error)).toBe(text);
  });

  it('keeps the message of unknown_model, which lists the models', () => {
    let error: unknown;
    try {
      resolveModel('dall-e-9');
    } catch (caught) {
      error = caught;
    }
    expect(errorText(error)).toMatch(
      /^Unknown model "dall-e-9"\. Valid models: nano-banana, nano-banana-pro, /,
    );
    expect(errorText(error)).toBe(error instanceof Error ? error.message : 'not an error');
  });

  it('keeps the message of invalid_option, which names the valid values', () => {
    const error = invalidOption('size', 'Gemini takes an aspect ratio, not "999x1".', ['1:1', '16:9']);
    expect(errorText(error)).toBe('Gemini takes an aspect ratio, not "999x1". Valid: 1:1, 16:9.');
  });

  it('keeps the message of invalid_image', () => {
    const error = new ImagineError(
      'invalid_image',
      'Image 2 is a PDF, not an image. Send PNG, JPEG or WEBP.',
    );
    expect(errorText(error)).toBe('Image 2 is a PDF, not an image. Send PNG, JPEG or WEBP.');
  });

  it("includes the upstream's words for invalid_request", () => {
    const error = new ImagineError(
      'invalid_request',
      'The image API rejected the request: image_size must be one of 1K, 2K, 4K',
    );
    expect(errorText(error)).toBe(
      'The image service rejected the request: image_size must be one of 1K, 2K, 4K. Check your options and try again.',
    );
    expect(errorText(new ImagineError('invalid_request', 'The image API rejected the request.'))).toBe(
      'The image service rejected the request. Check your options and try again.',
    );
  });

  it("trims the upstream's words to 200 characters and strips HTML and keys", () => {
    const long = `The image API rejected the request: <b>bad</b> key sk-live1234567890abcdef ${'x'.repeat(400)}`;
    const text = errorText(new ImagineError('invalid_request', long));
    expect(text).toBe(
      `The image service rejected the request: bad key [redacted] ${'x'.repeat(180)}… Check your options and try again.`,
    );
    expect(text).not.toContain('<');
    expect(text).not.toContain('sk-live');
  });

  it('answers any other error with a generic text: no stack, no secret', () => {
    const sentinel = 'sk-SENTINEL-0123456789';
    const error = new Error(`request to https://api.example failed with key ${sentinel}`);
    expect(error.stack).toContain(sentinel);
    expect(errorText(error)).toBe('Something went wrong on our side. Please try again.');
    expect(errorText('a string')).toBe('Something went wrong on our side. Please try again.');
    expect(errorText(undefined)).toBe('Something went wrong on our side. Please try again.');
  });
});

describe('errorReply', () => {
  it('is ephemeral and offers Retry for an error worth asking again', () => {
    expect(errorReply(new ImagineError('timeout', 'slow'), 'job9')).toEqual({
      kind: 'error',
      text: 'The image service took too long. Press Retry or try again.',
      images: [],
      buttons: [{ action: 'reroll', jobId: 'job9', label: '🔁 Retry' }],
      ephemeral: true,
      jobId: 'job9',
    });
  });

  it.each([
    'timeout',
    'upstream',
    'network',
    'rate_limit',
    'empty_result',
    'malformed_response',
    'download_failed',
  ] as const)('offers Retry for %s', (code) => {
    expect(errorReply(new ImagineError(code, 'x'), 'job9').buttons).toHaveLength(1);
  });

  it.each(['content_policy', 'auth', 'invalid_option', 'cancelled', 'quota'] as const)(
    'offers no Retry for %s',
    (code) => {
      expect(errorReply(new ImagineError(code, 'x'), 'job9').buttons).toEqual([]);
    },
  );

  it('offers no Retry without a job, nor for an unknown error', () => {
    expect(errorReply(new ImagineError('timeout', 'x')).buttons).toEqual([]);
    expect(errorReply(new ImagineError('timeout', 'x')).jobId).toBeUndefined();
    expect(errorReply(new Error('boom'), 'job9').buttons).toEqual([]);
  });
});

describe('quotaText', () => {
  const threeHoursTwelve = (3 * 60 + 12) * 60_000;

  it('tells a user their daily quota is used and when it resets', () => {
    expect(quotaText({ reason: 'user_daily', limit: 20, retryAfterMs: threeHoursTwelve })).toBe(
      "You've used your 20 images for today; the quota resets in 3 h 12 min.",
    );
    expect(quotaText({ reason: 'user_daily', limit: 1, retryAfterMs: 3_600_000 })).toBe(
      "You've used your 1 image for today; the quota resets in 1 h.",
    );
  });

  it('tells a channel its daily quota is used', () => {
    expect(quotaText({ reason: 'channel_daily', limit: 100, retryAfterMs: 25 * 60_000 })).toBe(
      'This channel has used its 100 images for today; the quota resets in 25 min.',
    );
  });

  it('asks a fast user to slow down', () => {
    expect(quotaText({ reason: 'rate_limit', limit: 5, retryAfterMs: 41_200 })).toBe(
      "Slow down — you've reached the limit of 5 requests in a short time. Try again in 42 s.",
    );
  });

  it('rounds waits up', () => {
    expect(formatDuration(0)).toBe('1 s');
    expect(formatDuration(59_001)).toBe('1 min');
    expect(formatDuration(61_000)).toBe('2 min');
    expect(formatDuration(3_599_000)).toBe('1 h');
    expect(formatDuration(3_600_001)).toBe('1 h 1 min');
  });
});

describe('caption', () => {
  const pro = row('gemini-pro');

  it('names the model alone when nothing else is set', () => {
    expect(caption(makeJob(), pro)).toBe('Nano Banana Pro (Gemini 3 Pro Image) · id job123');
  });

  it('adds the size and seed as sent, time taken, the resize note and the result id', () => {
    const seedream = row('doubao-seedream-4-0-250828');
    const job = makeJob({
      options: { model: seedream.id, prompt: 'a red fox', size: '16:9', resolution: '2K', seed: 42 },
      // Seedream's tier travels as the pixel size: no separate 2K was sent.
      sent: { size: '2560x1440', seeds: [42] },
    });
    expect(
      caption(job, seedream, { elapsedMs: 12_345, resized: 'resized to fit the 8 MB upload limit' }),
    ).toBe('Seedream 4.0 · 2560x1440 · seed 42 · 12.3 s · resized to fit the 8 MB upload limit · id job123');
  });

  it('shows no tier that was not sent: --res 4K on GPT Image', () => {
    const gpt = row('gpt-image');
    const job = makeJob({
      options: { model: gpt.id, prompt: 'a red fox', resolution: '4K' },
      sent: { size: '1024x1024' },
    });
    expect(caption(job, gpt)).toBe('GPT Image 1 · 1024x1024 · id job123');
  });

  it("shows each image's seed, and one seed shared by the images of one call as such", () => {
    const seedream = row('seedream-4');
    const image = { hash: 'h', mediaType: 'image/jpeg' };
    const four = makeJob({
      options: { model: seedream.id, prompt: 'a red fox', n: 4 },
      resultImages: [image, image, image, image],
      sent: { size: '2048x2048', seeds: [7, 8, 9, 10], asked: 4 },
    });
    expect(caption(four, seedream)).toBe('Seedream 4.0 · 2048x2048 · seeds 7, 8, 9, 10 · id job123');
    const group = makeJob({
      options: { model: seedream.id, prompt: 'a red fox', n: 3, groupImages: true },
      resultImages: [image, image, image],
      sent: { size: '2048x2048', seeds: [7, 7, 7], asked: 3 },
    });
    expect(caption(group, seedream)).toBe(
      'Seedream 4.0 · 2048x2048 · seed 7 (one call made all 3 images) · id job123',
    );
  });

  it('says how many images came back when fewer than asked', () => {
    const base = row('seedream-base');
    const job = makeJob({
      options: { model: base.id, prompt: 'a red fox', n: 3 },
      resultImages: [{ hash: 'h', mediaType: 'image/jpeg' }],
      sent: { asked: 3 },
    });
    expect(caption(job, base)).toBe('Seedream 4.0 (base) · 1 of 3 images came back · id job123');
  });

  it('leaves out a seed the model does not take', () => {
    const job = makeJob({
      options: {
        model: 'gemini-3-pro-image-preview',
        prompt: 'a red fox',
        size: '16:9',
        resolution: '2K',
        seed: 42,
      },
    });
    expect(caption(job, pro, { elapsedMs: 12_345 })).toBe(
      'Nano Banana Pro (Gemini 3 Pro Image) · 16:9 · 2K · 12.3 s · id job123',
    );
  });

  it('falls back to the model id without a row and shows long waits in minutes', () => {
    const job = makeJob({ modelUsed: 'some-new-model' });
    expect(caption(job, undefined, { elapsedMs: 125_000 })).toBe('some-new-model · 2 min 5 s · id job123');
  });

  it('adds the revised prompt on a second line, trimmed to 300 characters', () => {
    const revised = `A photograph of a red fox\n in snow, ${'very '.repeat(100)}detailed`;
    const lines = caption(makeJob({ revisedPrompt: revised }), pro).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^revised prompt: A photograph of a red fox in snow, very very /);
    expect(lines[1]?.endsWith('…')).toBe(true);
    expect(Array.from(lines[1] ?? '').length).toBeLessThanOrEqual('revised prompt: '.length + 300);
  });

  it('leaves out a revised prompt equal to the one sent', () => {
    expect(caption(makeJob({ revisedPrompt: ' a red fox ' }), pro)).toBe(
      'Nano Banana Pro (Gemini 3 Pro Image) · id job123',
    );
  });
});

describe('footnote', () => {
  it('is undefined without warnings', () => {
    expect(footnote([])).toBeUndefined();
    expect(footnote(['  '])).toBeUndefined();
  });

  it('lists up to three warnings', () => {
    expect(footnote(['seed is not supported', 'size was changed to 1:1'])).toBe(
      '⚠ seed is not supported\n⚠ size was changed to 1:1',
    );
  });

  it('counts the rest after three', () => {
    expect(footnote(['one', 'two', 'three', 'four', 'five'])).toBe('⚠ one\n⚠ two\n⚠ three\n+2 more');
  });
});

describe('result buttons', () => {
  const labels = (buttons: { label: string }[]) => buttons.map((button) => button.label);
  const image = (index: number) => ({ hash: String(index).repeat(64), mediaType: 'image/png' });

  it('offers a single image re-roll, variations, upscale, edit, delete, zoom out and pans, all on its job', () => {
    const buttons = resultButtons(makeJob({ resultImages: [image(1)] }));
    expect(labels(buttons)).toEqual([
      '🎲 Re-roll',
      '🔀 Variations',
      '⬆ Upscale',
      '✏ Edit',
      '🗑 Delete',
      'Zoom out 1.5×',
      'Zoom out 2×',
      '⬅️',
      '➡️',
      '⬆️',
      '⬇️',
    ]);
    expect(buttons.map((button) => button.action)).toEqual([
      'reroll',
      'variations',
      'upscale',
      'edit',
      'delete',
      'zoom-1.5',
      'zoom-2',
      'pan-left',
      'pan-right',
      'pan-up',
      'pan-down',
    ]);
    expect(buttons.every((button) => button.jobId === 'job123' && button.image === undefined)).toBe(true);
  });

  it('offers U1…U4 and V1…V4 on four images, each naming its image, then re-roll, edit and delete', () => {
    const buttons = resultButtons(makeJob({ resultImages: [1, 2, 3, 4].map(image) }));
    expect(labels(buttons)).toEqual([
      'U1',
      'U2',
      'U3',
      'U4',
      'V1',
      'V2',
      'V3',
      'V4',
      '🎲 Re-roll',
      '✏ Edit',
      '🗑 Delete',
    ]);
    expect(buttons.slice(0, 8).map((button) => [button.action, button.image])).toEqual([
      ['upscale', 1],
      ['upscale', 2],
      ['upscale', 3],
      ['upscale', 4],
      ['variations', 1],
      ['variations', 2],
      ['variations', 3],
      ['variations', 4],
    ]);
  });

  it('offers no re-roll on a local enlargement (it would come out the same)', () => {
    const job = makeJob({ resultImages: [image(1)], studio: { image: 2, localEnlargement: 2 } });
    expect(labels(resultButtons(job))).not.toContain('🎲 Re-roll');
  });
});

describe('progressText', () => {
  it('renders each event', () => {
    expect(progressText({ jobId: 'j', type: 'queued', position: 2 })).toBe('⏳ Queued — #2 in line');
    expect(progressText({ jobId: 'j', type: 'queued', position: 0 })).toBe('⏳ Queued');
    expect(progressText({ jobId: 'j', type: 'running', elapsedMs: 12_900 })).toBe('🎨 Working… 12 s');
    expect(progressText({ jobId: 'j', type: 'running', elapsedMs: 400 })).toBe('🎨 Working…');
    expect(progressText({ jobId: 'j', type: 'done' })).toBe('✅ Done');
    expect(progressText({ jobId: 'j', type: 'cancelled' })).toBe('Cancelled.');
  });

  it('renders a failure in the same words as an error reply', () => {
    expect(progressText({ jobId: 'j', type: 'failed', code: 'timeout', message: 'no answer in 120 s' })).toBe(
      '❌ The image service took too long. Press Retry or try again.',
    );
    expect(
      progressText({ jobId: 'j', type: 'failed', code: 'invalid_image', message: 'Image 1 is empty.' }),
    ).toBe('❌ Image 1 is empty.');
    expect(progressText({ jobId: 'j', type: 'failed', code: 'TypeError', message: 'x is undefined' })).toBe(
      '❌ Something went wrong on our side. Please try again.',
    );
  });
});
