import { describe, expect, it } from 'vitest';
import { ImagineError } from '../../src/core/errors.js';
import { modelTable, resolveModel } from '../../src/core/models/table.js';
import { planRequest } from '../../src/core/plan.js';
import type { ImageRequest } from '../../src/core/request.js';

const png = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
const image = { bytes: png, mediaType: 'image/png' };
const dataUri = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
/** A body as the wire carries it: input images are data URIs that the client streams, JSON text here. */
const onWire = (body: unknown): unknown => JSON.parse(JSON.stringify(body));

async function rejection(request: ImageRequest): Promise<ImagineError> {
  const error = await planRequest(request).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImagineError);
  return error as ImagineError;
}

describe('model table', () => {
  it('has one row per model id of the doc, plus seedream-4.0-base', () => {
    expect(modelTable.map((row) => row.id).sort()).toEqual(
      [
        'gemini-2.5-flash-image',
        'gemini-3-pro-image-preview',
        'doubao-seedream-3-0-t2i-250415',
        'doubao-seedream-4-0-250828',
        'doubao-seedream-4-5-251128',
        'doubao-seededit-3-0-i2i-250628',
        'gpt-image-1',
        'gpt-image-1-mini',
        'qwen-image-plus',
        'qwen-image-edit-plus',
        'seedream-4.0-base',
      ].sort(),
    );
  });

  it.each([
    ['nano-banana', 'gemini-2.5-flash-image'],
    ['nano-banana-pro', 'gemini-3-pro-image-preview'],
    ['seedream-4', 'doubao-seedream-4-0-250828'],
    ['seedream-4.5', 'doubao-seedream-4-5-251128'],
    ['seedream-3', 'doubao-seedream-3-0-t2i-250415'],
    ['seededit', 'doubao-seededit-3-0-i2i-250628'],
    ['gpt-image', 'gpt-image-1'],
    ['gpt-image-mini', 'gpt-image-1-mini'],
    ['qwen-image', 'qwen-image-plus'],
    ['qwen-edit', 'qwen-image-edit-plus'],
    ['NANO-BANANA', 'gemini-2.5-flash-image'],
  ])('resolves the alias %s to %s', (alias, id) => {
    expect(resolveModel(alias).id).toBe(id);
  });

  it('rejects an unknown model with the valid names', async () => {
    const error = await rejection({ model: 'dall-e-9', prompt: 'a cat' });
    expect(error.code).toBe('unknown_model');
    expect(error.message).toContain('Unknown model "dall-e-9"');
    expect(error.message).toContain('nano-banana');
    expect(error.choices).toContain('seedream-4');
  });
});

describe('default bodies, one per model', () => {
  it.each([
    [
      'nano-banana',
      {
        model: 'gemini-2.5-flash-image',
        prompt: 'a fox',
        n: 1,
        response_format: 'b64_json',
        image_size: '1K',
        response_modalities: 'image',
      },
    ],
    [
      'seedream-4',
      { model: 'doubao-seedream-4-0-250828', prompt: 'a fox', size: '2048x2048', watermark: false },
    ],
    [
      'seedream-3',
      { model: 'doubao-seedream-3-0-t2i-250415', prompt: 'a fox', size: '1024x1024', watermark: false },
    ],
    ['gpt-image-mini', { model: 'gpt-image-1-mini', prompt: 'a fox', size: '1024x1024', n: 1 }],
    [
      'qwen-image',
      { model: 'qwen-image-plus', input: { messages: [{ role: 'user', content: [{ text: 'a fox' }] }] } },
    ],
  ])('%s sends only what the table defaults', async (model, body) => {
    const plan = await planRequest({ model, prompt: 'a fox' });
    expect(plan.calls.map((call) => call.body)).toStrictEqual([body]);
  });
});

describe('validation against the model row', () => {
  it('refuses n above the model maximum, naming the range', async () => {
    const error = await rejection({ model: 'gpt-image-1', prompt: 'a', n: 50 });
    expect(error.code).toBe('invalid_option');
    expect(error.option).toBe('n');
    expect(error.message).toBe('GPT Image 1 makes 1 to 10 images per request (got 50).');
  });

  it('refuses a size the model lacks, listing its sizes', async () => {
    const error = await rejection({ model: 'gpt-image-1', prompt: 'a', size: '512x512' });
    expect(error.message).toBe(
      'Size 512x512 is not available on GPT Image 1. Valid: 1024x1024, 1536x1024, 1024x1536.',
    );
  });

  it('compares aspect ratios as numbers: 7:3 is sent as 21:9 and 32:18 as 16:9, without a note', async () => {
    const wide = await planRequest({ model: 'nano-banana', prompt: 'a', size: '7:3' });
    expect(wide.calls[0]?.body.size).toBe('21:9');
    expect(wide.sent.size).toBe('21:9');
    expect(wide.warnings).toStrictEqual([]);
    const screen = await planRequest({ model: 'nano-banana-pro', prompt: 'a', size: '32:18' });
    expect(screen.calls[0]?.body.size).toBe('16:9');
    expect(screen.warnings).toStrictEqual([]);
  });

  it('maps an aspect ratio Gemini lacks to its nearest, with a note', async () => {
    const plan = await planRequest({ model: 'nano-banana', prompt: 'a', size: '7:5' });
    expect(plan.calls[0]?.body.size).toBe('4:3');
    expect(plan.warnings).toStrictEqual([
      {
        type: 'compatibility',
        option: 'size',
        message: 'Nano Banana (Gemini 2.5 Flash Image) has no 7:5 aspect ratio; the nearest, 4:3, was sent.',
      },
    ]);
  });

  it('refuses a resolution the model lacks', async () => {
    const error = await rejection({ model: 'seedream-4.5', prompt: 'a', resolution: '1K' });
    expect(error.message).toBe('Resolution 1K is not available on Seedream 4.5. Valid: 2K, 4K.');
  });

  it('refuses a temperature out of range and a fidelity not in the list', async () => {
    expect((await rejection({ model: 'nano-banana', prompt: 'a', temperature: 3 })).message).toBe(
      '--temperature must be between 0 and 2 for Nano Banana (Gemini 2.5 Flash Image) (got 3).',
    );
    expect((await rejection({ model: 'gpt-image', prompt: 'a', inputFidelity: 'ultra' })).choices).toEqual([
      'auto',
      'high',
      'medium',
      'low',
    ]);
  });

  it('refuses an empty prompt', async () => {
    const error = await rejection({ model: 'gpt-image', prompt: '   ' });
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain('The prompt is empty');
  });

  it('refuses more input images than the model takes', async () => {
    const error = await rejection({
      model: 'nano-banana',
      prompt: 'a',
      images: [image, image, image, image],
    });
    expect(error.message).toContain('takes at most 3 input image(s) (got 4)');
  });

  it('refuses an edit-only model without an image', async () => {
    const error = await rejection({ model: 'qwen-edit', prompt: 'a' });
    expect(error.message).toContain('attach an image');
  });
});

describe('warnings instead of silent drops', () => {
  it('warns that GPT Image ignores seed and Gemini ignores a negative prompt, and sends neither', async () => {
    const gpt = await planRequest({ model: 'gpt-image-1', prompt: 'a', seed: 7 });
    expect(gpt.calls[0]?.body).not.toHaveProperty('seed');
    expect(gpt.warnings).toEqual([
      { type: 'unsupported', option: 'seed', message: 'GPT Image 1 does not take --seed; it was not sent.' },
    ]);
    const gemini = await planRequest({ model: 'nano-banana', prompt: 'a', negativePrompt: 'blur' });
    expect(JSON.stringify(gemini.calls[0]?.body)).not.toContain('blur');
    expect(gemini.warnings[0]?.option).toBe('negativePrompt');
  });

  it('maps an aspect ratio to the nearest GPT Image preset, warning only when not exact', async () => {
    const exact = await planRequest({ model: 'gpt-image-1', prompt: 'a', size: '3:2' });
    expect(exact.calls[0]?.body.size).toBe('1536x1024');
    expect(exact.warnings).toEqual([]);
    const nearest = await planRequest({ model: 'gpt-image-1', prompt: 'a', size: '16:9' });
    expect(nearest.calls[0]?.body.size).toBe('1536x1024');
    expect(nearest.warnings[0]?.message).toBe(
      'GPT Image 1 has no 16:9 size; the nearest, 1536x1024, was used.',
    );
  });

  it('maps a pixel size to the nearest Gemini aspect ratio with a warning', async () => {
    const plan = await planRequest({ model: 'nano-banana', prompt: 'a', size: '1920x1080' });
    expect(plan.calls[0]?.body.size).toBe('16:9');
    expect(plan.warnings[0]?.type).toBe('compatibility');
  });

  it('picks the Seedream preset of the asked resolution and ratio', async () => {
    const plan = await planRequest({ model: 'seedream-4', prompt: 'a', size: '16:9', resolution: '4K' });
    expect(plan.calls[0]?.body.size).toBe('5120x2880');
    const square = await planRequest({ model: 'seedream-4', prompt: 'a', resolution: '1K' });
    expect(square.calls[0]?.body.size).toBe('1024x1024');
  });

  it('writes Qwen sizes with a star', async () => {
    const plan = await planRequest({ model: 'qwen-image', prompt: 'a', size: '16:9' });
    expect(plan.calls[0]?.body.parameters).toEqual({ size: '1664*928' });
  });

  it('warns about a resolution or format the model has no setting for', async () => {
    const plan = await planRequest({ model: 'gpt-image', prompt: 'a', resolution: '4K' });
    expect(plan.warnings[0]?.option).toBe('resolution');
    const seedream = await planRequest({ model: 'seedream-4', prompt: 'a', outputFormat: 'png' });
    expect(seedream.warnings[0]?.message).toBe('Seedream 4.0 returns JPEG; --format png was not sent.');
  });
});

describe('edits', () => {
  it('hands an edit from Seedream 3 to SeedEdit and says so', async () => {
    const plan = await planRequest({
      model: 'seedream-3',
      prompt: 'make it blue',
      images: [image],
      size: '1:1',
    });
    expect(plan.modelId).toBe('doubao-seededit-3-0-i2i-250628');
    expect(onWire(plan.calls[0]?.body)).toStrictEqual({
      model: 'doubao-seededit-3-0-i2i-250628',
      prompt: 'make it blue',
      watermark: false,
      contents: [{ role: 'user', parts: [{ image: dataUri }, { text: 'make it blue' }] }],
    });
    expect(plan.warnings.map((warning) => warning.message)).toEqual([
      'Seedream 3.0 cannot edit images, so SeedEdit 3.0 made this edit.',
      "SeedEdit 3.0 keeps the input image's aspect ratio; --size was not sent.",
    ]);
  });

  it('hands an edit from Qwen-Image to Qwen-Image-Edit with image items before the text', async () => {
    const plan = await planRequest({ model: 'qwen-image', prompt: '加一隻貓', images: [image, image] });
    expect(onWire(plan.calls[0]?.body)).toStrictEqual({
      model: 'qwen-image-edit-plus',
      input: {
        messages: [{ role: 'user', content: [{ image: dataUri }, { image: dataUri }, { text: '加一隻貓' }] }],
      },
    });
  });

  it('sends several GPT Image inputs as an array of data URIs', async () => {
    const plan = await planRequest({ model: 'gpt-image-1', prompt: 'fuse', images: [image, image] });
    expect(onWire(plan.calls[0]?.body.image)).toEqual([dataUri, dataUri]);
  });

  it('sends Gemini history as contents turns, oldest first, then the new instruction', async () => {
    const plan = await planRequest({
      model: 'nano-banana',
      prompt: 'now make it night',
      history: [
        { role: 'user', text: 'a red fox' },
        { role: 'model', images: [image] },
        { role: 'user', text: 'add a hat' },
        { role: 'model', images: [image] },
      ],
    });
    expect(onWire(plan.calls[0]?.body.contents)).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox' }] },
      { role: 'model', parts: [{ image: dataUri }] },
      { role: 'user', parts: [{ text: 'add a hat' }] },
      { role: 'model', parts: [{ image: dataUri }] },
      { role: 'user', parts: [{ text: 'now make it night' }] },
    ]);
    expect(plan.calls[0]?.body).not.toHaveProperty('prompt');
  });

  it('warns that a single-turn model did not get the history', async () => {
    const plan = await planRequest({
      model: 'gpt-image-1',
      prompt: 'again',
      images: [image],
      history: [{ role: 'user', text: 'first' }],
    });
    expect(plan.warnings[0]?.option).toBe('history');
    expect(JSON.stringify(plan.calls[0]?.body)).not.toContain('first');
  });
});

describe('more than one image', () => {
  it('sends GPT Image n natively in one call', async () => {
    const plan = await planRequest({ model: 'gpt-image-1', prompt: 'a', n: 10 });
    expect(plan.calls.map((call) => call.body.n)).toEqual([10]);
  });

  it('makes parallel single calls for Gemini and Qwen', async () => {
    const gemini = await planRequest({ model: 'nano-banana', prompt: 'a', n: 3 });
    expect(gemini.calls.map((call) => call.expectedImages)).toEqual([1, 1, 1]);
    expect(gemini.calls.every((call) => call.body.n === 1)).toBe(true);
    const qwen = await planRequest({ model: 'qwen-image', prompt: 'a', n: 2 });
    expect(qwen.calls).toHaveLength(2);
  });

  it('asks Seedream for group images in one call when --group is set', async () => {
    const group = await planRequest({ model: 'seedream-4', prompt: 'a story', n: 3, groupImages: true });
    expect(group.calls).toHaveLength(1);
    expect(group.calls[0]?.body).toMatchObject({
      sequential_image_generation: 'auto',
      sequential_image_generation_options: { max_images: 3 },
    });
    const parallel = await planRequest({ model: 'seedream-4', prompt: 'a', n: 3 });
    expect(parallel.calls).toHaveLength(3);
    expect(parallel.calls[0]?.body).not.toHaveProperty('sequential_image_generation');
  });
});

describe('seeds', () => {
  it('gives each parallel call its own seed: --seed 7 --n 4 sends 7, 8, 9, 10', async () => {
    const plan = await planRequest({ model: 'seedream-4', prompt: 'a', n: 4, seed: 7 });
    expect(plan.calls.map((call) => call.body.seed)).toEqual([7, 8, 9, 10]);
    expect(plan.calls.map((call) => call.seed)).toEqual([7, 8, 9, 10]);
    const qwen = await planRequest({ model: 'qwen-image', prompt: 'a', n: 2, seed: 2147483647 });
    // Past the model's largest seed, the count wraps to its smallest.
    expect(qwen.calls.map((call) => (call.body.parameters as { seed?: string }).seed)).toEqual([
      '2147483647',
      '0',
    ]);
  });

  it('draws a seed from the random source when none is asked, only where the model takes seeds', async () => {
    const plan = await planRequest({ model: 'seedream-4', prompt: 'a', n: 2 }, undefined, () => 0.5);
    expect(plan.calls.map((call) => call.body.seed)).toEqual([1073741824, 1073741825]);
    const gemini = await planRequest({ model: 'nano-banana', prompt: 'a', n: 2 }, undefined, () => 0.5);
    expect(gemini.calls.map((call) => call.seed)).toEqual([undefined, undefined]);
    expect(JSON.stringify(gemini.calls.map((call) => call.body))).not.toContain('seed');
  });

  it('sends one seed for Seedream group images, made in one call', async () => {
    const group = await planRequest({ model: 'seedream-4', prompt: 'a', n: 3, seed: 7, groupImages: true });
    expect(group.calls.map((call) => [call.body.seed, call.expectedImages])).toEqual([[7, 3]]);
  });
});

describe('style references', () => {
  const style = { bytes: Buffer.from('style'), mediaType: 'image/png' };

  it('sends style images after the input images, with the instruction', async () => {
    const plan = await planRequest({ model: 'gpt-image', prompt: 'a fox', styleImages: [style] });
    expect(onWire(plan.calls[0]?.body)).toMatchObject({
      prompt:
        'a fox\n\nImage 1 is a style reference: use its style (colours, lighting, medium, texture), not its subject or composition.',
      image: `data:image/png;base64,${Buffer.from('style').toString('base64')}`,
    });
  });

  it('refuses them on a model that cannot combine images, naming the models that can', async () => {
    const error = await rejection({ model: 'seedream-3', prompt: 'a fox', styleImages: [style] });
    expect(error.message).toBe(
      'Seedream 3.0 cannot use style references (SeedEdit 3.0 does not combine several images). Models that can: nano-banana, nano-banana-pro, seedream-4, seedream-4.5, gpt-image, gpt-image-mini, qwen-edit.',
    );
  });
});
