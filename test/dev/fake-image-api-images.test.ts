import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import {
  dataUri,
  expectedLast,
  imagesOf,
  itemsOf,
  jpegMagic,
  jsonOf,
  pixelsOf,
  plainSchema,
  pngMagic,
  post,
  smallSide,
  solidPng,
  wrappedSchema,
} from './fake-image-api-helpers.js';

let api: FakeImageApi;
let red: Buffer;
let blue: Buffer;

beforeAll(async () => {
  api = await startFakeImageApi({ maxSide: smallSide });
  red = await solidPng('#ff0000', 16, 8);
  blue = await solidPng('#0000ff', 16, 8);
});
afterAll(() => api.close());
beforeEach(() => {
  api.clearFaults();
  api.setResponseShape('wrapped');
  api.setDelivery('auto');
  api.setFixedImage(undefined);
});

describe('the images', () => {
  const gpt = (prompt: string) => ({ model: 'gpt-image-1', prompt, size: '1024x1024' });
  const promptOnly = (text: string) => ({ messages: [{ role: 'user', content: [{ text }] }] });

  const seedream = (prompt: string, seed: number, model = 'doubao-seedream-4-0-250828') => ({
    model,
    prompt,
    seed,
    size: '2048x2048',
  });
  const picture = async (body: object) => pixelsOf((await imagesOf(await post(api, body)))[0]);

  it('draws the same picture for the same model, seed and prompt, and another when any of them changes', async () => {
    const fox = await picture(seedream('a red fox', 7));
    expect((await picture(seedream('a red fox', 7))).equals(fox)).toBe(true);
    const others = [
      await picture(seedream('a blue whale', 7)),
      await picture(seedream('a red fox', 8)),
      await picture(seedream('a red fox', 7, 'doubao-seedream-4-5-251128')),
      await picture({ model: 'qwen-image-plus', input: promptOnly('a red fox'), parameters: { seed: 7 } }),
    ];
    for (const other of others) expect(other.equals(fox)).toBe(false);
    expect(api.requests.at(-1)?.seeds).toEqual([7]);
  });

  it('picks a fresh seed when none is sent, records it and answers it in x-fake-seeds', async () => {
    const first = await post(api, gpt('a red fox'));
    const firstSeeds = api.requests.at(-1)?.seeds ?? [];
    const second = await post(api, gpt('a red fox'));
    const secondSeeds = api.requests.at(-1)?.seeds ?? [];
    expect(firstSeeds).toHaveLength(1);
    expect(first.headers.get('x-fake-seeds')).toBe(`${firstSeeds[0]}`);
    expect(secondSeeds).not.toEqual(firstSeeds);
    const [a, b] = [await pixelsOf((await imagesOf(first))[0]), await pixelsOf((await imagesOf(second))[0])];
    expect(a.equals(b)).toBe(false);
    // Seedream's -1 means "random" too.
    await post(api, seedream('a red fox', -1));
    expect(api.requests.at(-1)?.seeds?.[0]).toBeGreaterThanOrEqual(0);
  });

  it("makes an edit's output depend on its input image", async () => {
    const edit = (image: Buffer) => ({
      model: 'qwen-image-edit-plus',
      input: {
        messages: [
          { role: 'user', content: [{ image: dataUri(image) }, { text: 'make it an oil painting' }] },
        ],
      },
      parameters: { seed: 3 },
    });
    const [fromRed] = await imagesOf(await post(api, edit(red)));
    expect(fromRed?.equals((await expectedLast(api))[0] ?? Buffer.alloc(0))).toBe(true);
    const [fromBlue] = await imagesOf(await post(api, edit(blue)));
    expect((await pixelsOf(fromRed)).equals(await pixelsOf(fromBlue))).toBe(false);
    // No size sent: the 2:1 input's aspect ratio, drawn at 256.
    expect(await sharp(fromRed).metadata()).toMatchObject({ width: 256, height: 128 });
  });

  it('keeps the aspect ratio at a longest side of maxSide, and the format asked for', async () => {
    const [wide] = await imagesOf(
      await post(api, { model: 'gemini-2.5-flash-image', prompt: 'x', size: '16:9' }),
    );
    expect(await sharp(wide).metadata()).toMatchObject({ width: 256, height: 144, format: 'png' });
    const gemini = { model: 'gemini-2.5-flash-image', prompt: 'x', size: '2:3', mime_type: 'image/jpeg' };
    const [tall] = await imagesOf(await post(api, gemini));
    expect(await sharp(tall).metadata()).toMatchObject({ width: 171, height: 256, format: 'jpeg' });
    const [webp] = await imagesOf(await post(api, { ...gpt('x'), size: '1536x1024', output_format: 'webp' }));
    expect(await sharp(webp).metadata()).toMatchObject({ width: 256, height: 171, format: 'webp' });
  });

  it('answers n images for GPT Image and max_images for Seedream group mode, all different', async () => {
    const three = await imagesOf(await post(api, { ...gpt('a fox'), n: 3 }));
    expect(three).toHaveLength(3);
    const pictures = await Promise.all(three.map((image) => pixelsOf(image)));
    expect(new Set(pictures.map((image) => image.toString('base64'))).size).toBe(3);
    expect(three[2]?.equals((await expectedLast(api))[2] ?? Buffer.alloc(0))).toBe(true);
    const group = {
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a story in two panels',
      seed: 5,
      sequential_image_generation: 'auto',
      sequential_image_generation_options: { max_images: 2 },
    };
    const panels = await imagesOf(await post(api, group));
    expect(panels).toHaveLength(2);
    expect((await pixelsOf(panels[0])).equals(await pixelsOf(panels[1]))).toBe(false);
    expect(
      await imagesOf(await post(api, { model: 'gemini-2.5-flash-image', prompt: 'x', n: 4 })),
    ).toHaveLength(1);
  });

  it('answers the fixed image when one is set, its base64 (encoded once) written in chunks that decode to the same bytes', async () => {
    const big = Buffer.concat([pngMagic, Buffer.alloc(2 * 1024 * 1024 + 1, 7)]);
    api.setFixedImage(big);
    for (const prompt of ['anything', 'again']) {
      const answer = await post(api, gpt(prompt));
      expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.text));
      const [image] = await imagesOf(answer);
      expect(image?.equals(big)).toBe(true);
    }
    expect(api.images.at(-1)).toBe(big);
  });
});

describe('response shapes and delivery', () => {
  const body = { model: 'gpt-image-1', prompt: 'shapes' };

  it('answers the wrapped shape by default and the plain shape when told', async () => {
    expect(wrappedSchema.safeParse(jsonOf(await post(api, body))).success).toBe(true);
    api.setResponseShape('plain');
    expect(plainSchema.safeParse(jsonOf(await post(api, body))).success).toBe(true);
  });

  it('alternates between wrapped and plain, one request each', async () => {
    api.setResponseShape('alternate');
    const shapes = [];
    for (let index = 0; index < 3; index++) {
      shapes.push(wrappedSchema.safeParse(jsonOf(await post(api, body))).success ? 'wrapped' : 'plain');
    }
    expect(shapes).toEqual(['wrapped', 'plain', 'wrapped']);
  });

  it('delivers by url when told, and the url downloads the bytes with a content type', async () => {
    api.setDelivery('url');
    const [item] = itemsOf(await post(api, body));
    expect(item?.b64_json).toBe('');
    const download = await fetch(item?.url ?? '');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await download.arrayBuffer()).equals((await expectedLast(api))[0] ?? Buffer.alloc(0)),
    ).toBe(true);
  });

  it('delivers Seedream as base64 when told', async () => {
    api.setDelivery('b64_json');
    const [item] = itemsOf(await post(api, { model: 'doubao-seedream-4-5-251128', prompt: 'x' }));
    expect(item?.url).toBe('');
    expect(
      Buffer.from(item?.b64_json ?? '', 'base64')
        .subarray(0, 3)
        .equals(jpegMagic),
    ).toBe(true);
  });

  it('puts a new x-request-id on every answer, errors included', async () => {
    const ids = [await post(api, body), await post(api, { model: 'nope' })].map((answer) =>
      answer.headers.get('x-request-id'),
    );
    expect(ids[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(ids[1]).toMatch(/^[0-9a-f]{24}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
