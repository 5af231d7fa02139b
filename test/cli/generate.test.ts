import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';

const key = 'sk-SENTINEL-cli-5b1d2e';
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
    fake = await startFakeImageApi({ apiKey: key });
    outDir = await mkdtemp(path.join(tmpdir(), 'imagine-cli-'));
    env = { IMAGE_API_BASE_URL: fake.url, IMAGE_API_KEY: key, IMAGE_API_MAX_RETRIES: '0' };
  });
  afterAll(async () => {
    await fake.close();
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
    for (const [index, file] of paths.entries()) {
      expect(file).toMatch(/-a-red-fox-in-the-snow-\d\.jpg$/);
      expect(await readFile(file)).toEqual(fake.images[before + index]);
    }
    const generations = fake.requests.filter((request) => request.path === '/v1/images/generations');
    expect(generations.at(-1)?.body).toStrictEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a red fox in the snow',
      size: '2560x1440',
      watermark: false,
      seed: 7,
    });
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

  it('fails with one clear line and a non-zero exit', async () => {
    const bad = await run(['generate', 'a fox', '--model', 'gpt-image', '--n', '50'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --n: "50" is not valid; it takes a whole number from 1 to 10.\n');

    const unknown = await run(['generate', 'a fox', '--colour', 'red'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown flag --colour\. Valid: --model\/--m, /);

    const noKey = await run(['generate', 'a fox'], { IMAGE_API_BASE_URL: fake.url });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe('error: IMAGE_API_KEY is required: the API key of the image API (sk-…).\n');

    fake.fault({ kind: 'content_policy', style: 'openai' });
    const blocked = await run(['generate', 'something', '--model', 'gpt-image'], env);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/^error: .*safety/i);
    expect(blocked.stderr).not.toContain(key);
    expect(blocked.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
