import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';

const key = 'sk-SENTINEL-cli-5b1d2e';
// What a terminal would act on: C0 controls but tab and newline, DEL, C1 (ESC is among the C0).
const controlCharacters = (text: string) =>
  [...text].filter((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && character !== '\n' && character !== '\t') || (code >= 0x7f && code <= 0x9f);
  });
const hostilePrompt = 'a \u001b]0;pwned\u0007fox\u001b[2J in the \u009b31msnow\u0007';
const hostileMessage = 'Boom \u001b]0;pwned\u0007at \u001b[2Jthe \u001b[31mgateway\u001b[0m\u0085.';
const bin = path.resolve('bin/imagine-bot.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('imagine-bot generate', () => {
  let fake: FakeImageApi;
  let outDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: key, maxSide: 256 });
    outDir = await mkdtemp(path.join(tmpdir(), 'imagine-cli-'));
    env = { IMAGE_API_BASE_URL: fake.url, IMAGE_API_KEY: key, IMAGE_API_MAX_RETRIES: '0' };
  });
  afterAll(async () => {
    await fake.close();
  });
  // A test that fails half-way must not leave its fault to the next one.
  beforeEach(() => {
    fake.clearFaults();
  });

  it('writes the images to --out, prints their paths, and sends only the options given', async () => {
    const before = fake.images.length;
    const result = await run(
      [
        'generate',
        'a red fox in the snow',
        '--model',
        'seedream-4',
        '--size',
        '16:9',
        '--n',
        '2',
        '--seed',
        '7',
        '--out',
        outDir,
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const paths = result.stdout.trim().split('\n');
    expect(paths).toHaveLength(2);
    for (const file of paths) expect(file).toMatch(/-a-red-fox-in-the-snow-\d\.jpg$/);
    // Two parallel calls: the fake records their answers in whichever order they finished.
    const written = await Promise.all(paths.map((file) => readFile(file)));
    expect(written.sort(Buffer.compare)).toEqual(fake.images.slice(before).sort(Buffer.compare));
    const generations = fake.requests.filter((request) => request.path === '/v1/images/generations');
    // One call per image, in parallel: each with its own seed, counting up from the one given.
    const bodies = generations.slice(-2).map((request) => request.body as Record<string, unknown>);
    expect(bodies.map((body) => body.seed).sort()).toStrictEqual([7, 8]);
    expect(bodies.find((body) => body.seed === 7)).toStrictEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a red fox in the snow',
      size: '2560x1440',
      watermark: false,
      seed: 7,
    });
  });

  it('exits 3 and lists the shortfall in --json when fewer images came back than asked', async () => {
    // Like the gateway, the fake answers seedream-4.0-base's `n: 3` with one image.
    const result = await run(
      ['generate', 'a fox', '--model', 'seedream-base', '--n', '3', '--json', '--out', outDir],
      env,
    );
    expect(result.code).toBe(3);
    const printed = JSON.parse(result.stdout);
    expect(printed.images).toHaveLength(1);
    expect(printed.shortfall).toStrictEqual({ asked: 3, received: 1 });
    expect(printed.failures).toStrictEqual([]);
    const generations = fake.requests.filter((request) => request.path === '/v1/images/generations');
    expect(generations.at(-1)?.body).toMatchObject({ model: 'seedream-4.0-base', n: 3 });
    const plain = await run(
      ['generate', 'a fox', '--model', 'seedream-base', '--n', '2', '--out', outDir],
      env,
    );
    expect(plain.code).toBe(3);
    expect(plain.stderr).toBe('1 of 2 images came back\n');
  });

  it('prints one JSON object with --json, with warnings and the revised prompt', async () => {
    const result = await run(
      [
        'generate',
        '寫著福字的紅色對聯',
        '--model',
        'qwen-image',
        '--seed',
        '3',
        '--guidance',
        '4',
        '--json',
        '--out',
        outDir,
      ],
      env,
    );
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({
      model: 'qwen-image-plus',
      warnings: ['Qwen-Image does not take --guidance; it was not sent.'],
      failures: [],
    });
    expect(printed.images).toHaveLength(1);
    expect(printed.images[0].revisedPrompt).toContain('寫著福字的紅色對聯');
    expect(await readFile(printed.images[0].path)).toEqual(fake.images.at(-1));
    expect(fake.requests.at(-1)?.body).toStrictEqual({
      model: 'qwen-image-plus',
      input: { messages: [{ role: 'user', content: [{ text: '寫著福字的紅色對聯' }] }] },
      parameters: { seed: '3' },
    });
  });

  it('edits an input image given with --image', async () => {
    const input = path.join(outDir, 'input.png');
    await writeFile(
      input,
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366ff' } })
        .png()
        .toBuffer(),
    );
    const result = await run(
      ['generate', 'make it red', '--model', 'gpt-image', '--image', input, '--out', outDir],
      env,
    );
    expect(result.code).toBe(0);
    const body = fake.requests.at(-1)?.body;
    expect(body).toMatchObject({ model: 'gpt-image-1', prompt: 'make it red', n: 1 });
    expect(JSON.stringify(body)).toContain(
      `data:image/png;base64,${(await readFile(input)).toString('base64')}`,
    );
  });

  describe('fails with one clear line and a non-zero exit', () => {
    it('a count the model does not allow', async () => {
      const bad = await run(['generate', 'a fox', '--model', 'gpt-image', '--n', '50'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('error: --n: "50" is not valid; it takes a whole number from 1 to 10.\n');
    });

    it('an unknown option', async () => {
      const unknown = await run(['generate', 'a fox', '--colour', 'red'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/^error: Unknown flag --colour\. Valid: --model\/-m, /);
    });

    it('no key', async () => {
      const noKey = await run(['generate', 'a fox'], { IMAGE_API_BASE_URL: fake.url });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toBe('error: IMAGE_API_KEY is required: the API key of the image API (sk-…).\n');
    });

    it('a refusal by the API', async () => {
      fake.fault({ kind: 'content_policy', style: 'openai' });
      const blocked = await run(['generate', 'something', '--model', 'gpt-image'], env);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(/^error: .*safety/i);
      expect(blocked.stderr).not.toContain(key);
      expect(blocked.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    });
  });

  it('prints the revised prompt without the terminal control sequences it came with', async () => {
    const result = await run(['generate', hostilePrompt, '--model', 'qwen-image', '--out', outDir], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [file, revised, ...rest] = result.stdout.split('\n');
    expect(file).toMatch(/-a-0-pwned-fox-2j-in-the-31msnow-1\.png$/);
    expect(revised).toBe(
      'revised prompt: a fox in the snow. Rich detail, balanced composition, soft natural light, sharp focus.',
    );
    expect(rest).toStrictEqual(['']);
    expect(controlCharacters(result.stdout)).toStrictEqual([]);
  });

  it('keeps --json valid and exact: control characters escaped, none raw on the terminal', async () => {
    const result = await run(
      ['generate', `${hostilePrompt}\u007f`, '--model', 'qwen-image', '--json', '--out', outDir],
      env,
    );
    expect(result.code).toBe(0);
    expect(controlCharacters(result.stdout)).toStrictEqual([]);
    expect(result.stdout).toContain(
      'a \\u001b]0;pwned\\u0007fox\\u001b[2J in the \\u009b31msnow\\u0007\\u007f.',
    );
    expect(JSON.parse(result.stdout).images[0].revisedPrompt).toBe(
      `${hostilePrompt}\u007f. Rich detail, balanced composition, soft natural light, sharp focus.`,
    );
  });

  it("prints the API's error text without terminal control sequences", async () => {
    fake.fault({ kind: 'status', status: 500, body: { error: { message: hostileMessage, code: 'boom' } } });
    const result = await run(['generate', 'a fox', '--model', 'gpt-image', '--out', outDir], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: The image API failed (HTTP 500): Boom at the gateway.\n');
  });

  it('exits 3 when some of several images failed, naming the failure without control sequences', async () => {
    fake.fault({ kind: 'status', status: 500, body: { error: { message: hostileMessage, code: 'boom' } } });
    const result = await run(
      ['generate', 'a fox', '--model', 'qwen-image', '--n', '2', '--no-prompt-extend', '--out', outDir],
      env,
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^\S+-a-fox-1\.png\n$/);
    expect(result.stderr).toBe(
      'failed: The image API failed (HTTP 500): Boom at the gateway.\n1 of 2 images came back\n',
    );
  });

  describe('exits 2 with one line for bad input, before any request', () => {
    const expectBadInput = async (args: string[], stderr: string | RegExp) => {
      const sent = fake.requests.length;
      const result = await run(['generate', ...args], env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      if (typeof stderr === 'string') expect(result.stderr).toBe(stderr);
      else expect(result.stderr).toMatch(stderr);
      expect(fake.requests.length).toBe(sent);
    };

    it('an unknown model', async () => {
      await expectBadInput(
        ['a fox', '--model', 'dall-e-9\u001b[2J'],
        /^error: Unknown model "dall-e-9"\. Valid models: nano-banana, [^\n]*\n$/,
      );
    });

    it('a missing --image file, its name printed without control sequences', async () => {
      const missing = path.join(outDir, 'missing\u001b]0;pwned\u0007.png');
      await expectBadInput(
        ['a fox', '--model', 'gpt-image', '--image', missing],
        `error: Cannot read the image file "${path.join(outDir, 'missing.png')}".\n`,
      );
    });

    it('an --image file that is not an image', async () => {
      const notImage = path.join(outDir, 'notes.txt');
      await writeFile(notImage, 'just text\n');
      await expectBadInput(
        ['a fox', '--model', 'gpt-image', '--image', notImage],
        `error: "${notImage}" is not an image (PNG, JPEG, WEBP, GIF…).\n`,
      );
    });

    it('a size the model does not make', async () => {
      await expectBadInput(
        ['a fox', '--model', 'gpt-image', '--size', '640x480'],
        'error: Size 640x480 is not available on GPT Image 1. Valid: 1024x1024, 1536x1024, 1024x1536.\n',
      );
    });

    it('an --out directory that cannot be made', async () => {
      const file = path.join(outDir, 'a-file');
      await writeFile(file, 'not a directory\n');
      const out = path.join(file, 'images');
      await expectBadInput(
        ['a fox', '--model', 'gpt-image', '--out', out],
        `error: Cannot write the images to "${out}" (ENOTDIR); give --out a directory you can write to.\n`,
      );
    });

    it('an empty prompt', async () => {
      await expectBadInput(['   '], 'error: The prompt is empty: imagine-bot generate "a red fox".\n');
    });
  });

  it('refuses a prompt over MAX_PROMPT_CHARS with exit 2, sending nothing', async () => {
    const prompt = 'a'.repeat(4001);
    const long = await run(['generate', prompt], env);
    expect(long.code).toBe(2);
    expect(long.stderr).toBe(
      'error: The prompt is 4001 characters long; the limit is 4000. Shorten it and try again.\n',
    );
    expect(fake.requests.filter((request) => JSON.stringify(request.body ?? null).includes(prompt))).toEqual(
      [],
    );
  });
});
