import { expect, it } from 'vitest';
import type { Clock } from '../../../src/core/jobs/local-runner.js';
import { type FakeSlack, waitFor } from '../../fakes/slack/index.js';
import { type SlackHarness, type SlashResult, startSlackHarness } from './slack-harness.js';

const intervalMs = 3000;
const done = '✅ Done';
const jobs = 10;

/** The harness clock: frozen, or moved by a fixed step each time the bot calls the image API. */
function clockOf(slack: () => FakeSlack | undefined, stepMs: number): Clock {
  const start = Date.now();
  const imageCalls = () =>
    slack()?.log.filter((entry) => entry.kind === 'mark' && entry.label.startsWith('image-api:')).length ?? 0;
  return {
    now: () => start + imageCalls() * stepMs,
    setInterval: (callback, ms) => setInterval(callback, ms),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  };
}

/** Ten `/imagine` at once, one image at a time: every finished job moves everyone behind it up the queue. */
async function burst(stepMs: number) {
  let harness: SlackHarness | undefined;
  const clock = clockOf(() => harness?.slack, stepMs);
  harness = await startSlackHarness({
    env: { IMAGE_API_CONCURRENCY: '1' },
    progressIntervalMs: intervalMs,
    clock,
  });
  const started = harness;
  // Slow enough that the queue is full while the first jobs run.
  started.images.fault({ kind: 'latency', ms: 50, times: jobs });
  const numbers = Array.from({ length: jobs }, (_, index) => index + 1);
  const acks = await Promise.all(
    numbers.map((number) => started.slash(`a queued fox ${number}`, { user: `U0QUEUE${number}` })),
  );
  await waitFor(
    () =>
      acks.every((ack) => started.slack.responses(ack.responseId).some((entry) => entry.body.text === done)),
    'every result',
    30_000,
  );
  return { harness: started, acks };
}

/** What the fake Slack received on one command's response_url, before its result. */
function progressPosts(slack: FakeSlack, ack: SlashResult) {
  return slack.responses(ack.responseId).filter((entry) => entry.body.text !== done);
}

it('posts no queue position on the response_url while a burst moves the queue within the interval', async () => {
  const { harness, acks } = await burst(0);
  try {
    for (const ack of acks) {
      expect(JSON.parse(ack.text)).toEqual({ response_type: 'ephemeral', text: '⏳ Queued…' });
      // The ack was the "queued" note; the clock never reached the next interval.
      expect(progressPosts(harness.slack, ack).map((entry) => entry.body.text)).toEqual([]);
      expect(harness.slack.responses(ack.responseId).map((entry) => entry.body.text)).toEqual([done]);
    }
  } finally {
    await harness.close();
  }
});

it('posts a changed queue position at most once per interval per job, never the same one twice', async () => {
  // Each image API call moves the clock half an interval.
  const { harness, acks } = await burst(intervalMs / 2);
  try {
    const { log } = harness.slack;
    let shown = 0;
    for (const ack of acks) {
      const posts = progressPosts(harness.slack, ack);
      shown += posts.length;
      const texts = posts.map((entry) => String(entry.body.text));
      expect(texts.length, `posts of request ${ack.requestId}`).toBeLessThanOrEqual(2);
      // Never the same text twice in a row (the ack showed "⏳ Queued…").
      for (const [index, text] of texts.entries()) {
        expect(text).not.toBe(index === 0 ? '⏳ Queued…' : texts[index - 1]);
      }
      // Nothing before an interval has passed since the ack: two image API calls at least.
      const ackSeq = log.find(
        (entry) => entry.kind === 'mark' && entry.label === `ack:${ack.requestId}:200`,
      )?.seq;
      const first = posts[0];
      if (ackSeq === undefined || first === undefined) continue;
      const callsBetween = log.filter(
        (entry) =>
          entry.kind === 'mark' &&
          entry.label.startsWith('image-api:') &&
          entry.seq > ackSeq &&
          entry.seq < first.seq,
      );
      expect(
        callsBetween.length,
        `image calls before request ${ack.requestId}'s first progress`,
      ).toBeGreaterThanOrEqual(2);
    }
    // The jobs at the back did see their place move.
    expect(shown).toBeGreaterThan(0);
  } finally {
    await harness.close();
  }
});
