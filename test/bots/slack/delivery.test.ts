import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import {
  blockActionsBody,
  type FakeSlack,
  signedPost,
  slashCommandBody,
  startFakeSlack,
  waitFor,
} from '../../fakes/slack/index.js';
import { sentinelKey } from '../../support/bot-harness.js';
import {
  imagineResult,
  nextEventId,
  type SlackHarness,
  signingSecret,
  startSlackHarness,
} from './slack-harness.js';

const form = 'application/x-www-form-urlencoded' as const;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const queuedAck = { status: 200, text: JSON.stringify({ response_type: 'ephemeral', text: '⏳ Queued…' }) };

/** Posts the same signed body as often as asked: a replay re-sends Slack's bytes and headers unchanged. */
const signedDelivery = (url: string, body: string, timestamp: number) => () =>
  signedPost(url, body, { secret: signingSecret, contentType: form, timestamp });

const threadReply = (threadTs: string, ts: string, text: string) => ({
  type: 'message',
  user: 'U0USER',
  channel: 'C0001',
  channel_type: 'channel',
  thread_ts: threadTs,
  ts,
  text,
});

describe('signed requests', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('answers 401 to a bad signature and to a stale timestamp, and runs nothing for either', async () => {
    const { slack } = harness;
    const responseUrls = [slack.responseUrl(), slack.responseUrl(), slack.responseUrl()];
    const body = (text: string) => slashCommandBody({ text, responseUrl: responseUrls.shift() ?? '' });
    const badIds = responseUrls.map((url) => url.split('/').pop());
    const contentType = 'application/x-www-form-urlencoded' as const;
    const forged = await signedPost(harness.eventsUrl, body('a forged fox'), {
      secret: signingSecret,
      contentType,
      signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000',
    });
    const stale = await signedPost(harness.eventsUrl, body('a stale fox'), {
      secret: signingSecret,
      contentType,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const wrongSecret = await signedPost(harness.eventsUrl, body('a wrong fox'), {
      secret: 'not-it',
      contentType,
    });
    expect([forged, stale, wrongSecret]).toEqual([
      { status: 401, text: '' },
      { status: 401, text: '' },
      { status: 401, text: '' },
    ]);
    // A good request after them: once it is answered, anything the bad ones started would show.
    await imagineResult(harness, 'a real fox');
    expect(harness.prompts()).toEqual(['a real fox']);
    expect(slack.responses().filter((entry) => badIds.includes(entry.id))).toEqual([]);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('handles an event delivered twice (a Slack retry) once', async () => {
    const { slack } = harness;
    const first = await imagineResult(harness, 'a red fox');
    const eventId = nextEventId();
    const event = threadReply(first.ts, '1800000010.000100', 'make it blue');
    const original = await harness.event(event, eventId);
    const retry = await harness.event(event, eventId, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect([original.status, retry.status]).toEqual([200, 200]);
    await harness.event(threadReply(first.ts, '1800000010.000200', 'now make it green'), nextEventId());
    await waitFor(() => slack.shared.length >= 3, 'both edits');
    // Both edits run at once: their order is not fixed.
    expect(harness.prompts().sort()).toEqual(['a red fox', 'make it blue', 'now make it green']);
    expect(
      slack
        .calls('reactions.add')
        .map((call) => call.params.timestamp)
        .sort(),
    ).toEqual(['1800000010.000100', '1800000010.000200']);
    expect(
      harness.logLines.some(
        (line) => line.includes('duplicate Slack event ignored') && line.includes(eventId),
      ),
    ).toBe(true);
  });

  it('answers 401 to a timestamp more than 5 minutes ahead and runs nothing; a minute ahead still runs', async () => {
    const { slack } = harness;
    const futureUrl = slack.responseUrl();
    const future = await signedPost(
      harness.eventsUrl,
      slashCommandBody({ text: 'a fox from the future', responseUrl: futureUrl }),
      { secret: signingSecret, contentType: form, timestamp: nowSeconds() + 6 * 60 },
    );
    expect(future).toEqual({ status: 401, text: '' });
    // Clocks drift a little: a request signed a minute ahead is still Slack's. Once it is answered, anything the
    // refused one started would show.
    const aheadUrl = slack.responseUrl();
    const ahead = await signedDelivery(
      harness.eventsUrl,
      slashCommandBody({ text: 'a fox a minute ahead', responseUrl: aheadUrl }),
      nowSeconds() + 60,
    )();
    expect(ahead).toEqual(queuedAck);
    const aheadId = aheadUrl.split('/').pop() ?? '';
    await waitFor(
      () => slack.responses(aheadId).some((entry) => entry.body.text === '✅ Done'),
      'the result of the command signed a minute ahead',
    );
    expect(harness.prompts()).toEqual(['a fox a minute ahead']);
    expect(slack.responses(futureUrl.split('/').pop())).toEqual([]);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    expect(
      harness.logLines.some((line) => line.includes('Slack request with a timestamp in the future refused')),
    ).toBe(true);
  });

  it('runs a signed slash command once when the same delivery is replayed 20 s after it was signed', async () => {
    const { slack } = harness;
    const responseUrl = slack.responseUrl();
    const responseId = responseUrl.split('/').pop() ?? '';
    // Signed 20 s ago: well inside Bolt's 5-minute window, so the signature alone still accepts the replay.
    const deliver = signedDelivery(
      harness.eventsUrl,
      slashCommandBody({ text: 'a replayed fox', responseUrl }),
      nowSeconds() - 20,
    );
    expect(await deliver()).toEqual(queuedAck);
    await waitFor(
      () => slack.responses(responseId).some((entry) => entry.body.text === '✅ Done'),
      'the first result',
    );
    const responsesBefore = slack.responses(responseId).length;
    expect(await deliver()).toEqual({ status: 200, text: '' });
    await imagineResult(harness, 'a later fox');
    expect(harness.prompts()).toEqual(['a replayed fox', 'a later fox']);
    expect(slack.shared).toHaveLength(2);
    expect(slack.responses(responseId)).toHaveLength(responsesBefore);
    expect(harness.logLines.some((line) => line.includes('replayed Slack request ignored'))).toBe(true);
  });

  it('runs a replayed button press (the same signed block_actions) once', async () => {
    const { slack } = harness;
    const first = await imagineResult(harness, 'a red fox');
    const press = signedDelivery(
      harness.eventsUrl,
      blockActionsBody({
        actionId: 'imagine:reroll',
        value: first.jobId,
        messageTs: first.ts,
        responseUrl: slack.responseUrl(),
      }),
      nowSeconds() - 20,
    );
    expect(await press()).toEqual({ status: 200, text: '' });
    await waitFor(() => slack.shared.length === 2, 'the re-roll');
    expect(await press()).toEqual({ status: 200, text: '' });
    await imagineResult(harness, 'a blue fox');
    expect(harness.prompts()).toEqual(['a red fox', 'a red fox', 'a blue fox']);
    expect(slack.shared).toHaveLength(3);
  });
});

describe('two instances sharing one store', () => {
  let directory: string;
  let slack: FakeSlack;
  let images: FakeImageApi;
  const harnesses: SlackHarness[] = [];
  // Instances that share the store share the image folder too, as they would a disk or a Redis.
  const sharedImages = () => ({ IMAGE_STORE_URL: `file://${join(directory, 'images')}` });
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'imagine-slack-'));
    slack = await startFakeSlack();
    images = await startFakeImageApi({ apiKey: sentinelKey, maxSide: 256 });
  });
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.close();
    await slack.close();
    await images.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('runs an event once when Slack retries it at the other instance', async () => {
    const storeUrl = `sqlite://${join(directory, 'bot.sqlite')}`;
    const one = await startSlackHarness({ slack, images, storeUrl, env: sharedImages() });
    const two = await startSlackHarness({ slack, images, storeUrl, env: sharedImages() });
    harnesses.push(one, two);
    const first = await imagineResult(one, 'a red fox');
    const eventId = nextEventId();
    const event = threadReply(first.ts, '1800000011.000100', 'make it blue');
    await Promise.all([
      one.event(event, eventId),
      two.event(event, eventId, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    await two.event(threadReply(first.ts, '1800000011.000200', 'now make it green'), nextEventId());
    await waitFor(() => slack.shared.length >= 3, 'both edits');
    expect(one.prompts().sort()).toEqual(['a red fox', 'make it blue', 'now make it green']);
    expect(slack.calls('reactions.add')).toHaveLength(2);
  });

  it('runs a slash command once when its replay reaches the other instance', async () => {
    const storeUrl = `sqlite://${join(directory, 'bot.sqlite')}`;
    const one = await startSlackHarness({ slack, images, storeUrl, env: sharedImages() });
    const two = await startSlackHarness({ slack, images, storeUrl, env: sharedImages() });
    harnesses.push(one, two);
    const responseUrl = slack.responseUrl();
    const body = slashCommandBody({ text: 'a replayed fox', responseUrl });
    const timestamp = nowSeconds() - 20;
    const answers = await Promise.all([
      signedDelivery(one.eventsUrl, body, timestamp)(),
      signedDelivery(two.eventsUrl, body, timestamp)(),
    ]);
    expect(answers.map((answer) => answer.text).sort()).toEqual(['', queuedAck.text]);
    const responseId = responseUrl.split('/').pop() ?? '';
    await waitFor(
      () => slack.responses(responseId).some((entry) => entry.body.text === '✅ Done'),
      'the result of the delivery that ran',
    );
    await imagineResult(two, 'a later fox');
    expect(one.prompts().sort()).toEqual(['a later fox', 'a replayed fox']);
    expect(slack.shared).toHaveLength(2);
  });
});
