import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import { type CliProcess, savedPaths, spawnCli } from './cli-process.js';

const key = 'sk-SENTINEL-chat-studio-2b9d14';

function bodies(fake: FakeImageApi): Record<string, unknown>[] {
  return fake.requests
    .filter((request) => request.path === '/v1/images/generations')
    .map((request) => request.body as Record<string, unknown>);
}

/** The `image` a GPT Image edit body carries, decoded. */
function sentImage(body: Record<string, unknown> | undefined): Buffer {
  const uri = String(body?.image ?? '');
  return Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64');
}

const raw = (bytes: Buffer) => sharp(bytes).removeAlpha().raw().toBuffer();

// One chat session: a result of two images, then one of them pushed further, step by step.
describe('the studio commands in the chat', () => {
  let fake: FakeImageApi;
  let chat: CliProcess;
  const waitForSaved = (total: number) => chat.waitFor((stdout) => savedPaths(stdout).length >= total);
  const saved = async (index: number) => readFile(savedPaths(chat.stdout())[index] ?? '');

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: key, maxSide: 256 });
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-chat-studio-'));
    chat = spawnCli(['chat', '--out', path.join(workDir, 'images')], {
      env: {
        IMAGE_API_BASE_URL: fake.url,
        IMAGE_API_KEY: key,
        IMAGE_API_MAX_RETRIES: '0',
        STORE_URL: 'memory://',
        IMAGE_STORE_URL: 'memory://',
        LOG_LEVEL: 'silent',
        USER_RATE_LIMIT_PER_MINUTE: '0',
      },
      cwd: workDir,
    });
    await chat.waitFor('/help lists the commands');
  });
  afterAll(async () => {
    if (chat.child.exitCode === null) chat.child.kill();
    await fake.close();
  });

  it('offers /upscale N and /variations N on a result of several images', async () => {
    chat.line('a red fox --model gpt-image --n 2');
    const stdout = await waitForSaved(2);
    expect(stdout).toContain('  actions: /upscale N /variations N /reroll /delete (N: 1–2)\n');
  });

  it('names the valid range for an image number out of range, and sends nothing', async () => {
    chat.line('/upscale 5');
    await chat.waitFor('There is no image 5: this result has images 1 to 2.\n');
    chat.line('/zoom 3');
    await chat.waitFor('Use: /zoom 1.5|2 [N]');
    chat.line('/pan sideways');
    await chat.waitFor('Use: /pan left|right|up|down [N]');
    expect(bodies(fake)).toHaveLength(1);
  });

  it('/upscale 2 enlarges image 2 locally (GPT Image has no higher tier) and says so', async () => {
    chat.line('/upscale 2');
    const stdout = await waitForSaved(3);
    const second = await sharp(await saved(1)).metadata();
    const enlarged = await sharp(await saved(2)).metadata();
    expect([enlarged.width, enlarged.height]).toStrictEqual([
      (second.width ?? 0) * 2,
      (second.height ?? 0) * 2,
    ]);
    expect(stdout).toContain('upscale of image 2 of “a red fox” · local 2× enlargement, no model call · id ');
    expect(stdout).toContain('  actions: /variations /upscale /delete /zoom 1.5|2 /pan left|right|up|down\n');
    expect(bodies(fake)).toHaveLength(1);
  });

  it('/pan right sends the upscale with a grey strip added on its right, half its width', async () => {
    chat.line('/pan right');
    const stdout = await waitForSaved(4);
    const upscaled = await saved(2);
    const { width = 0, height = 0 } = await sharp(upscaled).metadata();
    const body = bodies(fake)[1];
    expect(body).toMatchObject({ model: 'gpt-image-1', size: '1536x1024', n: 1 });
    expect(String(body?.prompt)).toMatch(
      /^Extend this picture to the right: the flat grey strip on its right is empty\./,
    );
    const sent = sentImage(body);
    const padded = await sharp(sent).metadata();
    expect([padded.width, padded.height]).toStrictEqual([width + Math.round(width / 2), height]);
    const kept = await sharp(sent).extract({ left: 0, top: 0, width, height }).removeAlpha().raw().toBuffer();
    expect(kept).toEqual(await raw(upscaled));
    const strip = await sharp(sent)
      .extract({ left: width, top: 0, width: Math.round(width / 2), height })
      .removeAlpha()
      .raw()
      .toBuffer();
    expect(new Set(strip)).toStrictEqual(new Set([128]));
    expect(stdout).toContain('pan right of “a red fox” · id ');
  });

  it('/zoom 1.5 sends the latest image centred on a canvas 1.5 times its size', async () => {
    chat.line('/zoom 1.5');
    const stdout = await waitForSaved(5);
    const panned = await saved(3);
    const { width = 0, height = 0 } = await sharp(panned).metadata();
    const sent = sentImage(bodies(fake)[2]);
    const padded = await sharp(sent).metadata();
    expect([padded.width, padded.height]).toStrictEqual([Math.round(width * 1.5), Math.round(height * 1.5)]);
    const left = Math.floor((Math.round(width * 1.5) - width) / 2);
    const top = Math.floor((Math.round(height * 1.5) - height) / 2);
    const middle = await sharp(sent).extract({ left, top, width, height }).removeAlpha().raw().toBuffer();
    expect(middle).toEqual(await raw(panned));
    expect(stdout).toContain('zoom out 1.5× of “a red fox” · id ');
  });
});
