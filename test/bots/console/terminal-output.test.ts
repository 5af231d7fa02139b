import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import { type CliProcess, count, spawnCli } from './cli-process.js';

const key = 'sk-SENTINEL-chat-terminal-9e3a';
const hostilePrompt = 'a \u001b]0;pwned\u0007fox\u001b[2J in the \u009b31msnow\u0007';
const hostileMessage = 'Boom \u001b]0;pwned\u0007at \u001b[2Jthe \u001b[31mgateway\u001b[0m\u0085';

// What a terminal would act on: C0 controls but tab and newline, DEL, C1 (ESC is among the C0).
const controlCharacters = (text: string) =>
  [...text].filter((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && character !== '\n' && character !== '\t') || (code >= 0x7f && code <= 0x9f);
  });

// One chat fed text from outside in every place it prints some: none of its control sequences reach stdout.
describe('imagine-bot chat prints text from outside without terminal control sequences', () => {
  let fake: FakeImageApi;
  let workDir: string;
  let outDir: string;
  let chat: CliProcess;

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: key, maxSide: 256 });
    workDir = await mkdtemp(path.join(tmpdir(), 'imagine-chat-terminal-'));
    outDir = path.join(workDir, 'images\u001b]0;pwned\u0007');
    chat = spawnCli(['chat', '--out', outDir], {
      env: {
        IMAGE_API_BASE_URL: fake.url,
        IMAGE_API_KEY: key,
        IMAGE_API_MAX_RETRIES: '0',
        STORE_URL: 'memory://',
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

  it('names the --out directory without them', () => {
    const [welcome = ''] = chat.stdout().split('\n');
    expect(welcome).toMatch(/^Chatting as console:\S+; images go to /);
    expect(welcome).toContain(`; images go to ${path.join(workDir, 'images')}. Type a prompt,`);
  });

  it("prints the API's error text without them", async () => {
    fake.fault({ kind: 'status', status: 400, body: { error: { message: hostileMessage, code: 'boom' } } });
    chat.line('a cat --model gpt-image');
    const stdout = await chat.waitFor('Check your options and try again.\n');
    expect(stdout).toContain(
      '\nThe image service rejected the request: Boom at the gateway. Check your options and try again.\n',
    );
  });

  it('echoes the prompt and prints the revised prompt without them, and saves the image', async () => {
    chat.line(`${hostilePrompt} --model qwen-image`);
    const stdout = await chat.waitFor('  actions:');
    expect(stdout).toContain(`\n“a fox in the snow”\n  saved ${path.join(workDir, 'images', 'imagine-')}`);
    expect(stdout).toContain(
      '\n  revised prompt: a fox in the snow. Rich detail, balanced composition, soft natural light, sharp focus.\n',
    );
    expect(await readdir(outDir)).toHaveLength(1);
  });

  it('names a file it cannot attach without them', async () => {
    const missing = path.join(workDir, 'sticker\u001b[2J\u001b]0;pwned\u0007.png');
    chat.line(`/attach "${missing}"`);
    const stdout = await chat.waitFor('There is no file');
    expect(stdout).toContain(`There is no file "${path.join(workDir, 'sticker.png')}".\n`);
  });

  it('leaves no control character on stdout and exits 0', async () => {
    chat.line('/quit');
    expect(await chat.exited).toBe(0);
    expect(controlCharacters(chat.stdout())).toStrictEqual([]);
    expect(count(chat.stdout(), 'pwned')).toBe(0);
    expect(chat.stderr()).toBe('');
  });
});
