import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';

export { freePort };

/** The lines of stderr a person reads: everything but the JSON log lines. */
export function plainLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
}

/** The environment that points `imagine-bot start` at a fake Slack (HTTP mode on `port`) and a fake image API. */
export function slackStartEnv(
  slack: Pick<FakeSlack, 'botToken' | 'url'>,
  images: Pick<FakeImageApi, 'url'>,
  imageKey: string,
  port: number,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: `${slack.url}/api`,
    PORT: String(port),
    IMAGE_API_BASE_URL: images.url,
    IMAGE_API_KEY: imageKey,
  };
}

/** `imagine-bot start` as a real process in Slack's HTTP mode against a fake image API and a fake Slack. */
export interface SlackStart {
  images: FakeImageApi;
  slack: FakeSlack;
  bot: CliProcess;
  /** Slack's PORT (/slack/events). */
  port: number;
  /** Kills the process if it still runs, then closes the fakes. */
  close(): Promise<void>;
}

/** Starts the process (a fresh work folder, the SQLite store in it) and waits until it says it runs. */
export async function startSlackProcess(
  imageKey: string,
  extraEnv: Record<string, string> = {},
): Promise<SlackStart> {
  const images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
  const slack = await startFakeSlack();
  const port = await freePort();
  const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-start-'));
  const bot = spawnCli(['start'], {
    cwd: workDir,
    env: {
      ...slackStartEnv(slack, images, imageKey, port),
      STORE_URL: `sqlite://${path.join(workDir, 'bot.sqlite')}`,
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
  });
  await bot.waitFor(`Slack bot running (HTTP on port ${port} (/slack/events))`);
  return {
    images,
    slack,
    bot,
    port,
    close: async () => {
      if (bot.child.exitCode === null) bot.child.kill();
      await slack.close();
      await images.close();
    },
  };
}
