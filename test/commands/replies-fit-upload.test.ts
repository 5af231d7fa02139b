import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fitToUploadLimit, formatBytes, resultReply } from '../../src/commands/replies/index.js';
import { sniffImageType } from '../../src/core/images/index.js';
import { findModel } from '../../src/core/models/index.js';
import { makeJob } from './replies-fixtures.js';

const MB = 1_048_576;

/** Incompressible pixels from a seeded generator, so every run sees the same picture. */
function noise(length: number, seed = 0x2545f491): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

async function noisyPng(width: number, height: number, channels: 3 | 4 = 3, opaqueAlpha = false) {
  const pixels = noise(width * height * channels);
  if (channels === 4 && opaqueAlpha)
    for (let index = 3; index < pixels.length; index += 4) pixels[index] = 255;
  const bytes = await sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
  return { bytes, mediaType: 'image/png' };
}

async function smallPng() {
  const bytes = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#cc2040' } })
    .png()
    .toBuffer();
  return { bytes, mediaType: 'image/png' };
}

describe('fitToUploadLimit', () => {
  it('shrinks a noisy 3000x2000 PNG under 1 MB, keeping its aspect ratio', async () => {
    const big = await noisyPng(3000, 2000);
    expect(big.bytes.length).toBeGreaterThan(10 * MB);
    const { images, resized } = await fitToUploadLimit([big], MB);
    expect(resized).toBe('resized to fit the 1 MB upload limit');
    expect(images).toHaveLength(1);
    const [image] = images;
    if (!image) throw new Error('no image');
    expect(image.bytes.length).toBeLessThanOrEqual(MB);
    // Opaque PNG becomes JPEG, and the type we report is the type of the bytes.
    expect(image.mediaType).toBe('image/jpeg');
    expect(sniffImageType(image.bytes)).toBe('image/jpeg');
    const { width, height } = await sharp(image.bytes).metadata();
    expect(width).toBeLessThan(3000);
    expect(Math.abs(width / height / 1.5 - 1)).toBeLessThanOrEqual(0.01);
  });

  it('resizes only the images over the limit and says how many', async () => {
    const small = await smallPng();
    const big = await noisyPng(3000, 2000);
    const { images, resized } = await fitToUploadLimit([small, big], MB);
    expect(resized).toBe('resized 1 of 2 images to fit the 1 MB upload limit');
    expect(images[0]).toBe(small);
    expect(images[1]?.bytes.length).toBeLessThanOrEqual(MB);
  });

  it('returns images already under the limit byte for byte, with no note', async () => {
    const small = await smallPng();
    const copy = Buffer.from(small.bytes);
    const { images, resized } = await fitToUploadLimit([small], MB);
    expect(resized).toBeUndefined();
    expect(images[0]?.bytes).toBe(small.bytes);
    expect(images[0]?.bytes.equals(copy)).toBe(true);
    expect(images[0]?.mediaType).toBe('image/png');
  });

  it('keeps real transparency by choosing WEBP', async () => {
    const translucent = await noisyPng(1200, 800, 4);
    expect(translucent.bytes.length).toBeGreaterThan(MB);
    const { images } = await fitToUploadLimit([translucent], MB);
    const image = images[0];
    if (!image) throw new Error('no image');
    expect(image.mediaType).toBe('image/webp');
    expect(sniffImageType(image.bytes)).toBe('image/webp');
    expect(image.bytes.length).toBeLessThanOrEqual(MB);
    expect((await sharp(image.bytes).metadata()).hasAlpha).toBe(true);
  });

  it('turns a PNG whose alpha channel is fully opaque into JPEG', async () => {
    const opaque = await noisyPng(1200, 800, 4, true);
    const { images } = await fitToUploadLimit([opaque], MB);
    expect(images[0]?.mediaType).toBe('image/jpeg');
    expect(images[0]?.bytes.length).toBeLessThanOrEqual(MB);
  });

  it('names limits in binary megabytes', () => {
    expect(formatBytes(8 * MB)).toBe('8 MB');
    expect(formatBytes(7.5 * MB)).toBe('7.5 MB');
    expect(formatBytes(512 * 1024)).toBe('512 KB');
  });
});

describe('resultReply', () => {
  const pro = findModel('gemini-pro');

  it('shows the prompt in quotes, named images with alt text, caption, footnote, buttons and thread name', async () => {
    const prompt = `a red fox in the snow, ${'golden light, '.repeat(10)}`.trim();
    const job = makeJob({
      userPrompt: prompt,
      options: { model: 'gemini-3-pro-image-preview', prompt, resolution: '2K' },
      warnings: ['temperature was clamped to 2'],
    });
    const small = await smallPng();
    const big = await noisyPng(3000, 2000);
    const reply = await resultReply(job, [small, big], pro, {
      uploadLimitBytes: MB,
      elapsedMs: 12_340,
      threadName: true,
    });
    expect(reply.kind).toBe('result');
    expect(reply.ephemeral).toBe(false);
    expect(reply.jobId).toBe('job123');
    expect(reply.text).toBe(`“${prompt}”`);
    expect(reply.images.map((image) => image.fileName)).toEqual([
      'imagine-job123-1.png',
      'imagine-job123-2.jpg',
    ]);
    expect(reply.images.map((image) => image.altText)).toEqual([prompt, prompt]);
    expect(reply.images[0]?.bytes).toBe(small.bytes);
    expect(reply.images[1]?.bytes.length).toBeLessThanOrEqual(MB);
    expect(reply.caption).toBe(
      'Nano Banana Pro (Gemini 3 Pro Image) · 2K · 12.3 s · resized 1 of 2 images to fit the 1 MB upload limit · id job123',
    );
    expect(reply.footnote).toBe('⚠ temperature was clamped to 2');
    expect(reply.buttons.map((button) => button.action)).toEqual([
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
    expect(reply.threadName).toBe(`${prompt.slice(0, 89).trimEnd()}…`);
    expect(reply.threadName?.length).toBeLessThanOrEqual(90);
  });

  it('trims alt text to 1000 characters and leaves out what is not asked for', async () => {
    const prompt = 'fox '.repeat(400).trim();
    const job = makeJob({ userPrompt: prompt, options: { model: 'gpt-image-1', prompt } });
    const reply = await resultReply(job, [await smallPng()], findModel('gpt-image'), {
      uploadLimitBytes: MB,
    });
    expect(reply.images[0]?.altText).toHaveLength(1000);
    expect(reply.images[0]?.altText.endsWith('…')).toBe(true);
    expect(reply.caption).toBe('GPT Image 1 · id job123');
    expect(reply.footnote).toBeUndefined();
    expect(reply.threadName).toBeUndefined();
    // GPT Image has no higher tier: its upscale is a local enlargement, offered all the same.
    expect(reply.buttons.map((button) => button.action)).toEqual([
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
  });
});
