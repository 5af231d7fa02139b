import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli.js';
import { discordToken } from '../bots/discord/discord-harness.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { applicationId, startFakeDiscord } from '../fakes/discord/index.js';
import { startFakeSlack } from '../fakes/slack/index.js';
import { freePort } from './start-support.js';

const imageKey = 'sk-SENTINEL-start-errors-77d0';

function memoryIo(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[]; logs: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const logs: string[] = [];
  return {
    out,
    err,
    logs,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    log: (line) => logs.push(line),
    env,
    now: () => new Date(0),
    onInterrupt: () => () => {},
  };
}

const base = {
  IMAGE_API_KEY: imageKey,
  STORE_URL: 'memory://',
  IMAGE_STORE_URL: 'memory://',
  LOG_LEVEL: 'silent',
  // Test files run side by side: the operator endpoints take any free port.
  METRICS_PORT: '0',
};

/** Runs `imagine-bot start` in this process; returns the exit code and what a person reads on stderr. */
async function start(env: NodeJS.ProcessEnv) {
  const io = memoryIo({ ...base, ...env });
  const code = await runCli(['start'], io);
  const text = io.err.join('') + io.out.join('') + io.logs.join('\n');
  for (const secret of [discordToken, 'xoxb-fake-bot-token-4c1d', signingSecret, imageKey]) {
    expect(text).not.toContain(secret);
  }
  return { code, stderr: io.err.join(''), stdout: io.out.join('') };
}

describe('imagine-bot start: a platform that cannot be reached or answers strangely', () => {
  it('names the Discord URL that could not be reached and the variable to check', async () => {
    const port = await freePort();
    const { code, stderr } = await start({
      DISCORD_TOKEN: discordToken,
      DISCORD_APPLICATION_ID: applicationId,
      DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
    });
    expect(stderr).toBe(
      `error: Discord failed to start: could not reach http://127.0.0.1:${port}/api/v10/applications/@me (ECONNREFUSED); check DISCORD_API_URL.\n`,
    );
    expect(code).toBe(1);
  });

  it('says why fetch refused the URL when no socket was opened (port 1 is a “bad port”)', async () => {
    const { code, stderr } = await start({
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token-4c1d',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: 'http://127.0.0.1:1/api',
      PORT: '0',
    });
    expect(stderr).toBe(
      'error: Slack failed to start: could not reach http://127.0.0.1:1/api/auth.test (bad port); check SLACK_API_URL.\n',
    );
    expect(code).toBe(1);
  });

  it('names the Slack URL that could not be reached and the variable to check, at once', async () => {
    const port = await freePort();
    const { code, stderr } = await start({
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token-4c1d',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: `http://127.0.0.1:${port}/api`,
      PORT: '0',
    });
    expect(stderr).toBe(
      `error: Slack failed to start: could not reach http://127.0.0.1:${port}/api/auth.test (ECONNREFUSED); check SLACK_API_URL.\n`,
    );
    expect(code).toBe(1);
  });

  it('says in one line that Discord’s application answer has no id', async () => {
    const discord = await startFakeDiscord();
    try {
      discord.fault({ method: 'GET', path: '/applications/@me', status: 200 });
      const { code, stderr } = await start({
        DISCORD_TOKEN: discordToken,
        DISCORD_APPLICATION_ID: applicationId,
        DISCORD_API_URL: discord.apiUrl,
      });
      expect(stderr).toBe(
        `error: Discord failed to start: unexpected answer from ${discord.apiUrl}/v10/applications/@me (missing or invalid: id); check DISCORD_API_URL.\n`,
      );
      expect(code).toBe(1);
    } finally {
      await discord.close();
    }
  });

  it('says in one line that Slack’s auth.test answer has an unexpected shape', async () => {
    const slack = await startFakeSlack();
    try {
      slack.fault({ method: 'auth.test', kind: 'answer', body: { ok: true, team: 'Fake' } });
      const { code, stderr } = await start({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: `${slack.url}/api`,
        PORT: '0',
      });
      expect(stderr).toBe(
        `error: Slack failed to start: unexpected answer from ${slack.url}/api/auth.test (missing or invalid: user_id, bot_id); check SLACK_API_URL.\n`,
      );
      expect(code).toBe(1);
    } finally {
      await slack.close();
    }
  });
});
