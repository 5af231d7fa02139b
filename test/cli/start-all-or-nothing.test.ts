import { mkdtemp } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { spawnCli } from '../bots/console/cli-process.js';
import { discordToken } from '../bots/discord/discord-harness.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { applicationId, type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/index.js';
import { freePort, plainLines, slackStartEnv } from './start-support.js';

const imageKey = 'sk-SENTINEL-start-failure-3a9c';
// Each test starts a whole process with both front ends; a loaded machine needs more than the default budget.
const processBudget = { timeout: 60_000 };

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// `npm start` as a real process with both front ends configured: when one cannot start, none runs.
describe('imagine-bot start when one front end fails', processBudget, () => {
  let images: FakeImageApi;
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let port: number;
  let blocker: Server | undefined;

  beforeEach(async () => {
    images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
    discord = await startFakeDiscord();
    slack = await startFakeSlack();
    port = await freePort();
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
    await discord.close();
    await slack.close();
    await images.close();
  });

  async function start(overrides: Record<string, string> = {}) {
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-start-failure-'));
    const bot = spawnCli(['start'], {
      cwd: workDir,
      env: {
        DISCORD_TOKEN: discordToken,
        DISCORD_APPLICATION_ID: applicationId,
        DISCORD_API_URL: discord.apiUrl,
        ...slackStartEnv(slack, images, imageKey, port),
        STORE_URL: `sqlite://${path.join(workDir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
        ...overrides,
      },
    });
    bot.child.stdin.end();
    const code = await bot.exited;
    const output = bot.stdout() + bot.stderr();
    for (const secret of [
      discordToken,
      slack.botToken,
      'xoxb-wrong-token-SENTINEL',
      signingSecret,
      imageKey,
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(bot.stdout()).not.toMatch(/running|connected/);
    return { code, lines: plainLines(bot.stderr()) };
  }

  it('exits 2 with one line when Discord refuses DISCORD_TOKEN, and Slack stops listening', async () => {
    discord.fault({
      method: 'GET',
      path: '/applications/@me',
      status: 401,
      code: 0,
      message: '401: Unauthorized',
    });
    const { code, lines } = await start();
    expect(lines).toStrictEqual([
      'error: Discord failed to start: DISCORD_TOKEN was refused by Discord (HTTP 401); copy the bot token again from the Developer Portal.',
    ]);
    expect(code).toBe(2);
    // Slack had started (its token was checked) and was closed with the rest.
    expect(slack.calls('auth.test')).toHaveLength(1);
    expect(await accepts(port)).toBe(false);
  });

  it('exits 2 with one line when Slack says invalid_auth, after closing the Discord connection', async () => {
    const { code, lines } = await start({ SLACK_BOT_TOKEN: 'xoxb-wrong-token-SENTINEL' });
    expect(lines).toStrictEqual([
      'error: Slack failed to start: SLACK_BOT_TOKEN was refused by Slack (invalid_auth).',
    ]);
    expect(code).toBe(2);
    // Discord had connected to the gateway before it was stopped.
    expect(discord.identifies).toHaveLength(1);
  });

  it('exits 2 with one line when PORT is taken, after closing the Discord connection', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    blocker = taken;
    const { code, lines } = await start();
    expect(lines).toStrictEqual([`error: Slack failed to start: PORT ${port} is already in use.`]);
    expect(code).toBe(2);
    expect(discord.identifies).toHaveLength(1);
  });
});
