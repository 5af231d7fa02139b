import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import {
  type FakeSlack,
  signedPost,
  slashCommandBody,
  startFakeSlack,
  waitFor,
} from '../fakes/slack/index.js';
import { freePort } from './start-support.js';

const imageKey = 'sk-SENTINEL-start-slack-91b2';

// The same entry point `npm start` uses, as a real process, in Slack's HTTP mode against the fakes.
describe('imagine-bot start with Slack credentials', () => {
  let images: FakeImageApi;
  let slack: FakeSlack;
  let bot: CliProcess;
  let port: number;

  beforeAll(async () => {
    images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
    slack = await startFakeSlack();
    port = await freePort();
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-start-slack-'));
    bot = spawnCli(['start'], {
      cwd: workDir,
      env: {
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: `${slack.url}/api`,
        PORT: String(port),
        IMAGE_API_BASE_URL: images.url,
        IMAGE_API_KEY: imageKey,
        STORE_URL: `sqlite://${path.join(workDir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    await bot.waitFor(`Slack bot running (HTTP on port ${port} (/slack/events))`);
  });
  afterAll(async () => {
    if (bot.child.exitCode === null) bot.child.kill();
    await slack.close();
    await images.close();
  });

  it('acks a signed /imagine, uploads the image API’s bytes into the result thread, and stops on SIGTERM', async () => {
    const body = slashCommandBody({ text: 'a paper boat', responseUrl: slack.responseUrl() });
    const ack = await signedPost(`http://127.0.0.1:${port}/slack/events`, body, {
      secret: signingSecret,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(ack.status).toBe(200);
    await waitFor(() => slack.shared.length > 0, 'the uploaded result');
    expect(slack.shared.map((file) => file.bytes)).toStrictEqual(images.images);
    expect(slack.shared[0]?.threadTs).toBeDefined();

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    const output = bot.stdout() + bot.stderr();
    expect(output).not.toContain(slack.botToken);
    expect(output).not.toContain(signingSecret);
    expect(output).not.toContain(imageKey);
  });
});
