import { afterEach, describe, expect, it } from 'vitest';
import { boardNotSetUp } from '../../src/commands/board.js';
import { alice, bodyOf, startDiscordHarness, waitForAnswer } from '../bots/discord/discord-harness.js';
import { imagineResult, type SlackHarness, startSlackHarness } from '../bots/slack/slack-harness.js';
import { waitFor } from '../fakes/slack/index.js';

const secret = 'board-secret-of-the-command-test';
const boardEnv = { BOARD_SECRET: secret, PUBLIC_URL: 'https://imagine.example.com', BOARD_LINK_TTL: '12h' };
const linkPattern = /https:\/\/imagine\.example\.com\/board\/([A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{43})\//;

describe('/imagine board on Slack', () => {
  let harness: SlackHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('answers privately with a signed link that the bot serves on Slack’s PORT, next to /slack/events', async () => {
    harness = await startSlackHarness({ env: boardEnv });
    const result = await imagineResult(harness, 'a glass teapot');
    const ack = await harness.slash('board');
    await waitFor(() => harness.slack.responses(ack.responseId).length === 1, 'the board link');
    const answer = harness.slack.responses(ack.responseId)[0]?.body;
    expect(answer).toMatchObject({ response_type: 'ephemeral' });
    const text = String(answer?.text);
    expect(text).toMatch(
      /^🖼️ This channel's team board: https:\/\/imagine\.example\.com\/board\/\S+\/\nThe link works until \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    const access = linkPattern.exec(text)?.[1] ?? '';
    // The same path on the bot's own port (PUBLIC_URL is where a proxy would forward it).
    const local = `${new URL(harness.eventsUrl).origin}/board/${access}/`;
    const page = await fetch(local);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain(`data-job="${result.jobId}"`);
    expect(html).toContain('a glass teapot');
    expect((await fetch(`${new URL(harness.eventsUrl).origin}/board/${access.slice(0, -2)}xx/`)).status).toBe(
      403,
    );
    expect((await fetch(`${local}job/%E0%A4%A`)).status).toBe(404);
    // Slack's own requests still reach Bolt.
    expect((await harness.slash('usage')).status).toBe(200);
  });

  it('says what to set when the board is not configured', async () => {
    harness = await startSlackHarness();
    const ack = await harness.slash('board');
    await waitFor(() => harness.slack.responses(ack.responseId).length === 1, 'the answer');
    expect(harness.slack.responses(ack.responseId)[0]?.body.text).toBe(boardNotSetUp);
  });
});

describe('/board on Discord', () => {
  it('answers privately with a signed link to this channel’s board', async () => {
    const harness = await startDiscordHarness({ env: boardEnv });
    try {
      const sent = harness.discord.slashCommand({ name: 'board', user: alice, options: {} });
      const answer = await waitForAnswer(harness, sent);
      const callback = harness.discord.records.find((record) =>
        record.path.endsWith(`/${sent.token}/callback`),
      );
      expect(callback?.body).toStrictEqual({ type: 5, data: { flags: 64 } });
      expect(bodyOf(answer).content).toMatch(linkPattern);
    } finally {
      await harness.close();
    }
  });
});
