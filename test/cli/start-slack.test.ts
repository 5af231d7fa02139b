import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeImageApi } from '../../src/dev/fake-image-api/index.js';
import type { CliProcess } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { type FakeSlack, signedPost, slashCommandBody, waitFor } from '../fakes/slack/index.js';
import { type SlackStart, startSlackProcess } from './start-support.js';

const imageKey = 'sk-SENTINEL-start-slack-91b2';

// The same entry point `npm start` uses, as a real process, in Slack's HTTP mode against the fakes.
describe('imagine-bot start with Slack credentials', () => {
  let started: SlackStart;
  let images: FakeImageApi;
  let slack: FakeSlack;
  let bot: CliProcess;
  let port: number;

  beforeAll(async () => {
    started = await startSlackProcess(imageKey);
    ({ images, slack, bot, port } = started);
  });
  afterAll(() => started.close());

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
