import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { runCliWithProbe } from '../support/run-cli-process.js';

const recorder = path.resolve('test/support/record-loaded-modules.mjs');
// What only the bots, the start command, the stores and input images need: a prompt-only generate must not pay
// for them.
const heavyPackages = [
  'discord.js',
  '@slack/bolt',
  '@keyv/redis',
  'better-sqlite3',
  'keyv',
  'sharp',
  '@aws-sdk/client-s3',
  'bullmq',
  'ioredis',
];

/** Runs the CLI in a fresh process and returns the packages (node_modules folders) it loaded. */
async function packagesLoadedBy(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; packages: Set<string>; stderr: string }> {
  const { code, stderr, report } = await runCliWithProbe({
    probe: recorder,
    reportVariable: 'LOADED_MODULES_FILE',
    args,
    env,
  });
  const urls = report.split('\n').filter(Boolean);
  const packages = new Set(
    urls.flatMap((url) => {
      const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(decodeURIComponent(url));
      return match?.[1] ? [match[1]] : [];
    }),
  );
  return { code, packages, stderr };
}

describe('a CLI command loads only what it uses', () => {
  let fake: FakeImageApi;

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: 'fake' });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('generate --help loads none of the bots, nor the stores', async () => {
    const { code, packages } = await packagesLoadedBy(['generate', '--help']);
    expect(code).toBe(0);
    expect(packages.has('zod')).toBe(true); // the recorder works: the option parsing did load zod
    for (const name of heavyPackages)
      expect({ name, loaded: packages.has(name) }).toEqual({ name, loaded: false });
  });

  it('a generate against the fake image API loads none of the bots, nor the stores', async () => {
    const { code, packages, stderr } = await packagesLoadedBy(['generate', 'a red fox', '--out', 'out'], {
      IMAGE_API_BASE_URL: fake.url,
      IMAGE_API_KEY: 'fake',
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(packages.has('undici')).toBe(true);
    for (const name of heavyPackages)
      expect({ name, loaded: packages.has(name) }).toEqual({ name, loaded: false });
  });

  it('start with only Slack credentials never loads discord.js', async () => {
    // Slack's credentials half set: the config names the missing variable before anything connects.
    const { code, packages } = await packagesLoadedBy(['start'], { SLACK_BOT_TOKEN: 'xoxb-test' });
    expect(code).toBe(2);
    expect(packages.has('zod')).toBe(true);
    expect(packages.has('discord.js')).toBe(false);
  });
});
