import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escapeXml,
  type FakeImageApi,
  labelLines,
  promptExcerpt,
  renderPixels,
  startFakeImageApi,
} from '../../src/dev/fake-image-api/index.js';
import { imagesOf, jsonOf, post } from './fake-image-api-helpers.js';

describe('pixel sizes, drawn full size (as the demo does)', () => {
  let api: FakeImageApi;
  beforeAll(async () => {
    api = await startFakeImageApi();
  });
  afterAll(() => api.close());

  const sizeOf = async (body: object) => {
    const answer = await post(api, body);
    expect(answer.status, answer.text).toBe(200);
    const { width, height } = await sharp((await imagesOf(answer))[0]).metadata();
    return { width, height };
  };

  it('draws the size each family resolves the request to', async () => {
    const gemini = { model: 'gemini-3-pro-image-preview', prompt: 'x' };
    expect(await sizeOf({ ...gemini, size: '1:1', image_size: '1K' })).toEqual({ width: 1024, height: 1024 });
    // The exact ratio the caption shows, at about the tier's pixel count.
    const wide = await sizeOf({ ...gemini, size: '16:9', image_size: '2K' });
    expect(wide).toEqual({ width: 2736, height: 1539 });
    expect((wide.width * wide.height) / 2048 ** 2).toBeCloseTo(1, 1);
    const seedream = { model: 'doubao-seedream-4-0-250828', prompt: 'x' };
    expect(await sizeOf({ ...seedream, size: '1280x720' })).toEqual({ width: 1280, height: 720 });
    expect(await sizeOf({ ...seedream, size: '1K' })).toEqual({ width: 1024, height: 1024 });
    expect(await sizeOf(seedream)).toEqual({ width: 2048, height: 2048 });
    expect(await sizeOf({ model: 'gpt-image-1', prompt: 'x', size: '1024x1536' })).toEqual({
      width: 1024,
      height: 1536,
    });
    expect(await sizeOf({ model: 'gpt-image-1', prompt: 'x' })).toEqual({ width: 1024, height: 1024 });
    const qwen = {
      model: 'qwen-image-plus',
      input: { messages: [{ role: 'user', content: [{ text: 'x' }] }] },
    };
    expect(await sizeOf({ ...qwen, parameters: { size: '1664*928' } })).toEqual({ width: 1664, height: 928 });
    expect(await sizeOf(qwen)).toEqual({ width: 1328, height: 1328 });
  });

  it('refuses to draw more than 36 megapixels, naming the size', async () => {
    const answer = await post(api, { model: 'doubao-seedream-4-0-250828', prompt: 'x', size: '9000x9000' });
    expect(answer.status).toBe(400);
    expect(jsonOf(answer)).toMatchObject({
      error: { message: 'size: 9000x9000 is over the 36-megapixel limit', code: 'invalid_request' },
    });
  });
});

describe('the labels written on the image', () => {
  const spec = {
    model: 'gpt-image-1',
    seed: 42,
    prompt: 'a red fox in the snow at dusk, oil',
    format: 'png' as const,
  };
  const width = 480;
  const height = 320;

  /** Near-white pixels (the labels' fill) of rows [from, to): where text is drawn. */
  async function whiteMask(model: string, labels: boolean, from: number, to: number): Promise<boolean[]> {
    const pixels = await renderPixels({ ...spec, model, width, height, labels });
    const mask: boolean[] = [];
    for (let offset = from * width * 3; offset < to * width * 3; offset += 3) {
      mask.push([0, 1, 2].every((channel) => (pixels[offset + channel] ?? 0) >= 235));
    }
    return mask;
  }
  const count = (mask: boolean[]) => mask.filter(Boolean).length;

  it('writes the model name in white on a band at the top (fontconfig renders the text)', async () => {
    const band = Math.ceil(Math.min(width, height) * 0.06 * 1.6);
    const written = await whiteMask('gpt-image-1', true, 0, band);
    expect(count(written)).toBeGreaterThan(100);
    expect(count(await whiteMask('gpt-image-1', false, 0, band))).toBeLessThan(count(written) / 10);
    // Another name is other glyphs: the white pixels fall elsewhere.
    const other = await whiteMask('qwen-image-plus', true, 0, band);
    expect(other.some((white, index) => white !== written[index])).toBe(true);
  });

  it('says model, seed (random or sent), position, size and the first words of the prompt', () => {
    const scene = { ...spec, seedPicked: false, width, height, variant: 0, count: 1 };
    expect(labelLines(scene)).toEqual(['gpt-image-1', 'seed 42 · 480×320', '“a red fox in the snow…”']);
    expect(labelLines({ ...scene, seedPicked: true, variant: 1, count: 4 })[1]).toBe(
      'random seed 42 · image 2 of 4 · 480×320',
    );
    expect(promptExcerpt('  a   fox  ')).toBe('“a fox”');
    expect(promptExcerpt('x'.repeat(60))).toBe(`“${'x'.repeat(39)}…”`);
  });

  it('escapes what XML would read as markup and drops what XML forbids, so any prompt renders', async () => {
    expect(escapeXml(`<a href="x">&'\u0000\u001b\ud800ok 🦊`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;ok 🦊',
    );
    const hostile = `</text></svg><script>alert(1)</script> & "quotes" \u0007 \ud83d`;
    const pixels = await renderPixels({ ...spec, prompt: hostile, width: 64, height: 32 });
    expect(pixels.length).toBe(64 * 32 * 3);
  });
});
