import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { type SlackHarness, startSlackHarness } from '../bots/slack/slack-harness.js';
import { waitFor } from '../fakes/slack/index.js';
import { sentinelKey } from '../support/bot-harness.js';
import { pixelsOf } from './fake-image-api-helpers.js';

// What a demo user sees, through the real Slack adapter: the fake's pictures tell models and calls apart.
describe('the fake image API behind a bot', () => {
  let harness: SlackHarness;
  let fullSize: FakeImageApi;
  beforeEach(async () => {
    // Pictures at the size each request resolves to, as in the demo (the harness's own fake draws small ones).
    fullSize = await startFakeImageApi({ apiKey: sentinelKey });
    harness = await startSlackHarness({ images: fullSize });
  });
  afterEach(async () => {
    await harness.close();
    await fullSize.close();
  });

  const distinctPictures = async (files: readonly { bytes: Buffer }[]) =>
    new Set(
      (await Promise.all(files.map((file) => pixelsOf(file.bytes)))).map((pixels) =>
        pixels.toString('base64'),
      ),
    ).size;

  it('shows four different pictures for /compare across four models, each at the size its model was asked for', async () => {
    await harness.slash('compare a lighthouse at dusk --models nano-banana,seedream-4,gpt-image,qwen');
    await waitFor(() => harness.slack.shared.length === 4, 'four results');
    const bodies = harness.imageBodies();
    expect(bodies.map((body) => body.model).sort()).toEqual([
      'doubao-seedream-4-0-250828',
      'gemini-2.5-flash-image',
      'gpt-image-1',
      'qwen-image-plus',
    ]);
    const files = harness.slack.shared;
    expect(await distinctPictures(files)).toBe(4);
    // Each posted file is one the fake drew, at its request's size (the calls run in parallel: compare as sets).
    for (const file of files)
      expect(harness.images.images.some((image) => image.equals(file.bytes))).toBe(true);
    const sides = await Promise.all(
      harness.images.images.map(async (image) => {
        const { width, height } = await sharp(image).metadata();
        return `${width}x${height}`;
      }),
    );
    // Gemini 1:1 at 1K, Seedream 4 2048x2048, GPT Image 1024x1024, Qwen 1328*1328.
    expect(sides.sort()).toEqual(['1024x1024', '1024x1024', '1328x1328', '2048x2048']);
  });

  it('shows four different pictures for --n 4 without a seed: each call gets its own', async () => {
    await harness.slash('a red fox --model nano-banana --n 4');
    await waitFor(() => harness.slack.shared.length === 4, 'four images');
    expect(harness.imageBodies()).toHaveLength(4);
    const seeds = harness.images.requests.flatMap((request) => request.seeds ?? []);
    expect(new Set(seeds).size).toBe(4);
    expect(await distinctPictures(harness.slack.shared)).toBe(4);
  });
});
