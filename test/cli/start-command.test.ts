import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runStart, storeKinds } from '../../src/cli/start-command.js';
import type { Terminal } from '../../src/cli/terminal.js';
import { runCli } from '../../src/cli.js';
import { spawnCli } from '../bots/console/cli-process.js';

function memoryIo(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    log: () => {},
    env,
    now: () => new Date(0),
    onInterrupt: () => () => {},
  };
}

const pipes: Terminal = {
  input: new PassThrough(),
  output: new PassThrough(),
  stdinIsTty: false,
  stdoutIsTty: false,
};

describe('imagine-bot start', () => {
  it('with no credentials and no terminal, names the variables to set and exits 2', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'imagine-start-'));
    const start = spawnCli(['start'], { env: {}, cwd });
    start.child.stdin.end();
    expect(await start.exited).toBe(2);
    const text = start.stderr();
    for (const variable of [
      'DISCORD_TOKEN',
      'DISCORD_APPLICATION_ID',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'IMAGE_API_KEY',
      'IMAGE_API_BASE_URL',
    ]) {
      expect(text).toContain(variable);
    }
    expect(text).toContain('npm run demo');
    expect(start.stdout()).toBe('');
  });

  const discordBoth = '(Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID).';
  it.each([
    [{ DISCORD_TOKEN: 'discord-token-SENTINEL-half' }, `DISCORD_APPLICATION_ID is missing ${discordBoth}`],
    [{ DISCORD_APPLICATION_ID: '1100000000000000001' }, `DISCORD_TOKEN is missing ${discordBoth}`],
    [
      { SLACK_BOT_TOKEN: 'xoxb-SENTINEL-half' },
      'SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode) is missing (Slack needs one of them with SLACK_BOT_TOKEN).',
    ],
    [
      { SLACK_SIGNING_SECRET: 'signing-SENTINEL-half' },
      'SLACK_BOT_TOKEN is missing (Slack needs it with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN).',
    ],
  ])(
    'names what is missing of half-set credentials %j in start, chat, demo and generate (exit 2)',
    async (credentials, message) => {
      for (const argv of [['start'], ['chat'], ['demo'], ['generate', 'a red fox']]) {
        const io = memoryIo({
          IMAGE_API_KEY: 'sk-SENTINEL-half',
          STORE_URL: 'memory://',
          IMAGE_STORE_URL: 'memory://',
          ...credentials,
        });
        expect(await runCli(argv, io), argv[0]).toBe(2);
        expect(io.err.join(''), argv[0]).toBe(`error: ${message}\n`);
        expect(io.out.join(''), argv[0]).not.toContain('starting the terminal chat');
      }
    },
  );

  it('starts nothing with half-set credentials even at a terminal', async () => {
    const io = memoryIo({ IMAGE_API_KEY: 'sk-SENTINEL-half', DISCORD_TOKEN: 'discord-token-SENTINEL-half' });
    const terminal: Terminal = { ...pipes, stdinIsTty: true, stdoutIsTty: true };
    await expect(runStart([], io, terminal)).rejects.toThrow(
      'DISCORD_APPLICATION_ID is missing (Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID).',
    );
    expect(io.out.join('')).toBe('');
  });

  it('refuses an edit-only DEFAULT_MODEL before starting anything, naming the variable (exit 2)', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'imagine-start-'));
    const start = spawnCli(['start'], {
      env: {
        IMAGE_API_KEY: 'sk-SENTINEL-model',
        DEFAULT_MODEL: 'seededit',
        SLACK_BOT_TOKEN: 'xoxb-SENTINEL-model',
        SLACK_SIGNING_SECRET: 'signing-SENTINEL-model',
        SLACK_API_URL: 'http://127.0.0.1:9/api',
      },
      cwd,
    });
    start.child.stdin.end();
    expect(await start.exited).toBe(2);
    expect(start.stderr()).toMatch(
      /^error: DEFAULT_MODEL must be a model that makes images from text: nano-banana, [^\n]+ \(got "seededit"\)\.\n$/,
    );
    expect(start.stdout()).toBe('');
  });

  it('names the stores and the job mode in its start-up line: BullMQ on redis:// and rediss://', () => {
    expect(storeKinds({ storeUrl: 'redis://cache:6379', imageStoreUrl: 'redis://cache:6379' })).toEqual({
      store: 'redis',
      imageStore: 'redis',
      jobs: 'bullmq',
    });
    expect(storeKinds({ storeUrl: 'rediss://cache:6380', imageStoreUrl: 's3://bucket' })).toEqual({
      store: 'redis',
      imageStore: 's3',
      jobs: 'bullmq',
    });
    expect(storeKinds({ storeUrl: 'sqlite://data/x.sqlite', imageStoreUrl: 'file://data/images' })).toEqual({
      store: 'sqlite',
      imageStore: 'file',
      jobs: 'embedded',
    });
  });
});
