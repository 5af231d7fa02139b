import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import { dataUri, solidPng } from '../../dev/fake-image-api-helpers.js';
import { type CliProcess, count, savedPaths, spawnCli } from './cli-process.js';

const key = 'sk-SENTINEL-chat-41c7e0';

function chatEnv(fake: FakeImageApi): Record<string, string> {
  return {
    IMAGE_API_BASE_URL: fake.url,
    IMAGE_API_KEY: key,
    IMAGE_API_MAX_RETRIES: '0',
    STORE_URL: 'memory://',
    IMAGE_STORE_URL: 'memory://',
    LOG_LEVEL: 'silent',
    USER_RATE_LIMIT_PER_MINUTE: '0',
  };
}

function bodies(fake: FakeImageApi): Record<string, unknown>[] {
  return fake.requests
    .filter((request) => request.path === '/v1/images/generations')
    .map((request) => request.body as Record<string, unknown>);
}

const image = (fake: FakeImageApi, index: number) => fake.images[index] ?? Buffer.alloc(0);

// One chat, one thread after another: each step builds on the one before, as a user's session does.
describe('imagine-bot chat, through stdin and stdout', () => {
  let fake: FakeImageApi;
  let workDir: string;
  let outDir: string;
  let chat: CliProcess;

  const waitForSaved = (total: number) => chat.waitFor((stdout) => savedPaths(stdout).length >= total);

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: key, maxSide: 256 });
    workDir = await mkdtemp(path.join(tmpdir(), 'imagine-chat-'));
    outDir = path.join(workDir, 'images');
    chat = spawnCli(['chat', '--out', outDir], { env: chatEnv(fake), cwd: workDir });
    await chat.waitFor('/help lists the commands');
  });
  afterAll(async () => {
    if (chat.child.exitCode === null) chat.child.kill();
    await fake.close();
  });

  it('makes an image from the first line, writes it to --out and prints its path', async () => {
    chat.line('a red fox in the snow');
    const stdout = await waitForSaved(1);
    const [file = ''] = savedPaths(stdout);
    expect(path.dirname(file)).toBe(outDir);
    expect(await readFile(file)).toEqual(image(fake, 0));
    expect(stdout).toContain('“a red fox in the snow”\n');
    expect(stdout).toContain(
      '  actions: /reroll /variations /upscale /delete /zoom 1.5|2 /pan left|right|up|down\n',
    );
    const [body] = bodies(fake);
    expect(body).toMatchObject({ model: 'gemini-2.5-flash-image', prompt: 'a red fox in the snow' });
    expect(body?.contents).toBeUndefined();
  });

  it('edits with the next line: Gemini gets the thread history as contents, oldest first', async () => {
    chat.line('give it a hat');
    const stdout = await waitForSaved(2);
    expect(bodies(fake)[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox in the snow' }] },
      { role: 'model', parts: [{ image: dataUri(image(fake, 0)) }] },
      { role: 'user', parts: [{ text: 'give it a hat' }] },
    ]);
    expect(await readFile(savedPaths(stdout)[1] ?? '')).toEqual(image(fake, 1));
  });

  it('sends an /attach-ed image file with the next message', async () => {
    const sticker = await solidPng('#3366ff', 12, 12);
    const file = path.join(workDir, 'sticker.png');
    await writeFile(file, sticker);
    chat.line(`/attach ${file}`);
    await chat.waitFor(`attached ${file} (image/png,`);
    chat.line('put this sticker on it');
    await waitForSaved(3);
    const contents = bodies(fake)[2]?.contents;
    expect(contents).toHaveLength(5);
    expect(Array.isArray(contents) && contents.at(-1)).toStrictEqual({
      role: 'user',
      parts: [{ text: 'put this sticker on it' }, { image: dataUri(sticker) }],
    });
  });

  it('starts over after /new: the next line is a fresh prompt with no history, even if it starts like a command', async () => {
    chat.line('/new');
    chat.line('compare a blue whale to a ship');
    await waitForSaved(4);
    expect(bodies(fake)).toHaveLength(4);
    const body = bodies(fake)[3];
    expect(body).toMatchObject({ model: 'gemini-2.5-flash-image', prompt: 'compare a blue whale to a ship' });
    expect(body?.contents).toBeUndefined();
  });

  it('lists the models with /models', async () => {
    chat.line('/models');
    const stdout = await chat.waitFor('Models (use --model NAME):\n');
    expect(stdout).toContain(
      '• Nano Banana (Gemini 2.5 Flash Image) (nano-banana = gemini-2.5-flash-image): text-to-image',
    );
    expect(stdout).toContain('• GPT Image 1 (gpt-image = gpt-image-1):');
  });

  it('prints a bad flag as a clear error and keeps going', async () => {
    const sent = bodies(fake).length;
    chat.line('a cat --n abc');
    await chat.waitFor('--n: "abc" is not valid; it takes a whole number from 1 to 10.\n');
    chat.line('/usage');
    await chat.waitFor('Today: you 4 of 100');
    expect(bodies(fake)).toHaveLength(sent);
  });

  it('re-rolls the latest result with /reroll', async () => {
    chat.line('/reroll');
    const stdout = await waitForSaved(5);
    expect(bodies(fake)[4]).toMatchObject({
      model: 'gemini-2.5-flash-image',
      prompt: 'compare a blue whale to a ship',
    });
    expect(await readFile(savedPaths(stdout)[4] ?? '')).toEqual(image(fake, 4));
  });

  it('exits 0 on /quit, with no stack or log on stderr', async () => {
    chat.line('/quit');
    expect(await chat.exited).toBe(0);
    expect(chat.stderr()).toBe('');
    expect(chat.stdout()).not.toContain(key);
  });
});

describe('cancelling in the chat', () => {
  let fake: FakeImageApi;
  let chat: CliProcess;

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: key, maxSide: 256 });
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-chat-cancel-'));
    chat = spawnCli(['chat', '--out', path.join(workDir, 'out')], { env: chatEnv(fake), cwd: workDir });
    await chat.waitFor('/help lists the commands');
  });
  afterAll(async () => {
    if (chat.child.exitCode === null) chat.child.kill();
    await fake.close();
  });

  it('cancels a running request on /cancel and on Ctrl-C; a second Ctrl-C exits', async () => {
    fake.fault({ kind: 'hang', times: 2 });
    chat.line('a fox that takes forever');
    await chat.waitFor((stdout) => count(stdout, '🎨 Working…') >= 1);
    chat.line('/cancel');
    await chat.waitFor('Cancelled your latest request.\n');
    await chat.waitFor('\nCancelled.\n');

    chat.line('another slow fox');
    await chat.waitFor((stdout) => count(stdout, '🎨 Working…') >= 2);
    chat.child.kill('SIGINT');
    await chat.waitFor((stdout) => count(stdout, 'Cancelled your latest request.\n') === 2);
    await chat.waitFor((stdout) => count(stdout, '\nCancelled.\n') === 2);
    chat.child.kill('SIGINT');
    expect(await chat.exited).toBe(0);
    expect(savedPaths(chat.stdout())).toStrictEqual([]);
    expect(chat.stderr()).toBe('');
  });
});
