import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardLink } from '../../src/core/board/board-link.js';
import type { CliProcess } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { type FakeSlack, signedPost, slashCommandBody, waitFor } from '../fakes/slack/index.js';
import { freePort, type SlackStart, startSlackProcess } from './start-support.js';

const imageKey = 'sk-SENTINEL-start-board-3c7a';
const boardSecret = 'board-SENTINEL-start-5e21';

// `npm start` as a real process with the board on a port of its own.
describe('imagine-bot start with BOARD_SECRET and BOARD_PORT', () => {
  let started: SlackStart;
  let slack: FakeSlack;
  let bot: CliProcess;
  let port: number;
  let boardPort: number;

  beforeAll(async () => {
    boardPort = await freePort();
    started = await startSlackProcess(imageKey, {
      BOARD_SECRET: boardSecret,
      PUBLIC_URL: `http://127.0.0.1:${boardPort}`,
      BOARD_PORT: String(boardPort),
      BOARD_HOST: '127.0.0.1',
    });
    ({ slack, bot, port } = started);
  });
  afterAll(() => started.close());

  it('serves a Slack result on the board’s own port, with its message link, and stops it on SIGTERM', async () => {
    const body = slashCommandBody({ text: 'a lantern in fog', responseUrl: slack.responseUrl() });
    const ack = await signedPost(`http://127.0.0.1:${port}/slack/events`, body, {
      secret: signingSecret,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(ack.status).toBe(200);
    await waitFor(() => slack.shared.length > 0, 'the uploaded result');
    const channelId = new URLSearchParams(body).get('channel_id') ?? '';
    const link = boardLink(
      `http://127.0.0.1:${boardPort}`,
      boardSecret,
      `slack:${channelId}`,
      Date.now() + 60_000,
    );
    let html = '';
    for (let attempt = 0; attempt < 100 && !html.includes('a lantern in fog'); attempt += 1) {
      html = await (await fetch(link)).text();
      if (!html.includes('a lantern in fog')) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(html).toContain('a lantern in fog');
    const jobId = /data-job="([^"]+)"/.exec(html)?.[1] ?? '';
    const tree = await (await fetch(`${link}job/${jobId}`)).text();
    expect(tree).toMatch(/href="https:\/\/slack\.com\/archives\/[A-Z0-9]+\/p\d+"/);
    expect(bot.stderr() + bot.stdout()).toContain('team board listening');

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    await expect(fetch(link)).rejects.toThrow();
    expect(bot.stdout() + bot.stderr()).not.toContain(boardSecret);
  });
});
