import { webApi } from '@slack/bolt';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackDestination } from '../../../src/bots/slack/destination.js';
import { createSlackWebApiOutlet } from '../../../src/bots/slack/web-api-outlet.js';
import { createDelivery, type Delivery } from '../../../src/commands/delivery.js';
import type { Reply } from '../../../src/commands/reply.js';
import { createLogger } from '../../../src/core/logger.js';
import { createStore } from '../../../src/core/store/create-store.js';
import type { Store } from '../../../src/core/store/store.js';
import { type FakeSlack, startFakeSlack, waitFor } from '../../fakes/slack/index.js';

// What the fault soak (bench/soak.ts) found: Slack's endpoints fail now and then, and a job's outcome must still
// arrive whole, once, and last.
const logger = createLogger({ level: 'silent' });

let fake: FakeSlack;
let store: Store;
let png: Buffer;

function makeDelivery(retryConfig: webApi.RetryOptions = { retries: 0 }): Delivery {
  const client = new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig,
    logLevel: webApi.LogLevel.ERROR,
  });
  return createDelivery({ outlets: [createSlackWebApiOutlet({ client, store, logger })], store, logger });
}

const resultReply = (): Reply => ({
  kind: 'result',
  text: '**a red fox**',
  caption: 'gemini · 1024×1024',
  images: [{ bytes: png, fileName: 'fox.png', mediaType: 'image/png', altText: 'a red fox' }],
  buttons: [],
  ephemeral: false,
  jobId: 'job-1',
});
const errorReply = (text: string): Reply => ({
  kind: 'error',
  text,
  images: [],
  buttons: [],
  ephemeral: true,
});
const progressReply = (text: string): Reply => ({
  kind: 'info',
  text,
  images: [],
  buttons: [],
  ephemeral: false,
});
const slashDestination = (responseUrl: string): SlackDestination => ({
  platform: 'slack',
  channelId: 'C0001',
  requesterId: 'U0USER',
  responseUrl,
});

beforeEach(async () => {
  fake = await startFakeSlack();
  store = await createStore('memory://', { logger });
  png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#c33' } })
    .png()
    .toBuffer();
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

describe('Slack Web API outlet against failing Slack endpoints', () => {
  it('sends the image again when its upload URL answers 503 or 429, and the done note when a response_url does', async () => {
    fake.fault({ method: 'upload', kind: 'status', status: 503 });
    fake.fault({ method: 'upload', kind: 'ratelimited', retryAfterSeconds: 0 });
    fake.fault({ method: 'respond', kind: 'status', status: 502 });
    await makeDelivery().deliver('job-1', slashDestination(fake.responseUrl()), 'result', resultReply());

    const uploads = fake.log.filter((entry) => entry.kind === 'upload');
    expect(uploads.map((entry) => entry.failedWith ?? 'ok')).toEqual(['503', '429', 'ok']);
    expect(fake.shared).toHaveLength(1);
    expect(fake.shared[0]?.bytes.equals(png)).toBe(true);
    expect(fake.responses().map((entry) => [entry.body.text, entry.failedWith ?? 'ok'])).toEqual([
      ['✅ Done', '502'],
      ['✅ Done', 'ok'],
    ]);
  });

  it("shows a job's own failure when its response_url answers 500 twice, not 'could not deliver'", async () => {
    const responseUrl = fake.responseUrl();
    fake.fault({ method: 'respond', kind: 'status', status: 500, times: 2 });
    const failure = 'The image service blocked this request as unsafe content.';
    await makeDelivery().deliver('job-2', slashDestination(responseUrl), 'failure', errorReply(failure));
    expect(fake.responses().map((entry) => [entry.body.text, entry.failedWith ?? 'ok'])).toEqual([
      [failure, '500'],
      [failure, '500'],
      [failure, 'ok'],
    ]);
  });

  it('does not send a failed progress note again (late, it would land over the outcome)', async () => {
    const destination = slashDestination(fake.responseUrl());
    fake.fault({ method: 'respond', kind: 'status', status: 503 });
    const delivery = makeDelivery();
    await expect(
      delivery.deliver('job-1', destination, 'progress', progressReply('🎨 Working… 3 s')),
    ).rejects.toThrow("Slack's response_url answered 503");
    await delivery.deliver('job-1', destination, 'failure', errorReply('The image API is down.'));
    expect(fake.responses().map((entry) => [entry.body.text, entry.failedWith ?? 'ok'])).toEqual([
      ['🎨 Working… 3 s', '503'],
      ['The image API is down.', 'ok'],
    ]);
  });

  it('leaves the result in the placeholder when a progress edit of it failed just before (no late retry)', async () => {
    const placeholder = await new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
    }).chat.postMessage({
      channel: 'C0001',
      text: '⏳ Queued',
    });
    const destination: SlackDestination = {
      platform: 'slack',
      channelId: 'C0001',
      requesterId: 'U0USER',
      messageTs: placeholder.ts ?? '',
    };
    // The Web API client retries its calls (the bot's: five times in five minutes).
    const delivery = makeDelivery({ retries: 2, minTimeout: 300, maxTimeout: 300 });
    fake.fault({ method: 'chat.update', kind: 'status', status: 503 });
    const progress = delivery
      .deliver('job-1', destination, 'progress', progressReply('🎨 Working… 4 s'))
      .catch(() => 'failed');
    await waitFor(() => fake.calls('chat.update').length === 1, 'the failed progress edit');
    await delivery.deliver('job-1', destination, 'result', resultReply());
    // A retried edit would have landed by now: the Web API client retries inside the call.
    expect(await progress).toBe('failed');

    expect(fake.messages().find((message) => message.ts === placeholder.ts)?.text).toBe('*a red fox*');
    expect(fake.calls('chat.update').map((call) => [call.params.text, call.failedWith ?? 'ok'])).toEqual([
      ['🎨 Working… 4 s', '503'],
      ['*a red fox*', 'ok'],
    ]);
  });
});
