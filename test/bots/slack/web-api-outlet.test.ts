import { randomUUID } from 'node:crypto';
import { webApi } from '@slack/bolt';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackDestination } from '../../../src/bots/slack/destination.js';
import { createSlackWebApiOutlet } from '../../../src/bots/slack/web-api-outlet.js';
import { createDelivery, type Delivery, type Posted } from '../../../src/commands/delivery.js';
import type { Reply } from '../../../src/commands/reply.js';
import { createLogger } from '../../../src/core/logger.js';
import { createStore } from '../../../src/core/store/create-store.js';
import type { Store } from '../../../src/core/store/store.js';
import { removeRedisNamespace } from '../../core/store/redis-namespace.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack/index.js';

const logger = createLogger({ level: 'silent' });
const redisUrl = process.env.REDIS_URL;

let fake: FakeSlack;
let store: Store;
let png: Buffer;

function makeDelivery(on: Store = store, onPosted?: (posted: Posted) => void): Delivery {
  const client = new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  return createDelivery({
    outlets: [createSlackWebApiOutlet({ client, store: on, logger })],
    store: on,
    logger,
    ...(onPosted && { onPosted: async (_job, _step, posted) => onPosted(posted) }),
  });
}

const resultReply = (): Reply => ({
  kind: 'result',
  text: '**a red fox**',
  caption: 'gemini · 1024×1024',
  images: [{ bytes: png, fileName: 'fox.png', mediaType: 'image/png', altText: 'a red fox' }],
  buttons: [{ action: 'reroll', jobId: 'job-1', label: '🔁 Reroll' }],
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
  ephemeral: true,
});

const resultBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*a red fox*' } },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'gemini · 1024×1024' }] },
  {
    type: 'actions',
    block_id: 'imagine-buttons',
    elements: [
      {
        type: 'button',
        action_id: 'imagine:reroll',
        text: { type: 'plain_text', text: '🔁 Reroll', emoji: true },
        value: 'job-1',
      },
    ],
  },
];

const plainBlocks = (text: string) => JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text } }]);
const apiMethods = () => fake.calls().map((call) => call.method);

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

describe('Slack Web API outlet', () => {
  it("posts a slash command's result in the channel, uploads the image into its thread and marks the note done", async () => {
    const responseUrl = fake.responseUrl();
    const destination: SlackDestination = {
      platform: 'slack',
      channelId: 'C0001',
      requesterId: 'U0USER',
      responseUrl,
    };
    const posted: Posted[] = [];
    await makeDelivery(store, (where) => posted.push(where)).deliver(
      'job-1',
      destination,
      'result',
      resultReply(),
    );

    expect(apiMethods()).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [message, , complete] = fake.calls();
    expect(message?.authorization).toBe(`Bearer ${fake.botToken}`);
    expect(message?.params).toMatchObject({
      channel: 'C0001',
      text: '*a red fox*',
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(message?.params.thread_ts).toBeUndefined();
    expect(JSON.parse(message?.params.blocks ?? '')).toEqual(resultBlocks);
    const ts = fake.messages()[0]?.ts ?? '';
    expect(complete?.params).toMatchObject({ channel_id: 'C0001', thread_ts: ts });
    expect(fake.shared).toMatchObject([
      { channel: 'C0001', threadTs: ts, filename: 'fox.png', altText: 'a red fox' },
    ]);
    expect(fake.shared[0]?.bytes.equals(png)).toBe(true);
    expect(fake.responses().map((response) => response.body)).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: true,
        text: '✅ Done',
        blocks: JSON.parse(plainBlocks('✅ Done')),
      },
    ]);
    expect(posted).toEqual([
      {
        messageKeys: [`slack:C0001:${ts}`],
        messageUrl: `https://slack.com/archives/C0001/p${ts.replace('.', '')}`,
        threadKey: `slack:C0001:${ts}`,
      },
    ]);
  });

  it('edits the placeholder with progress, then turns it into the result, images in the thread', async () => {
    const parent = await makePlaceholder('1700000000.000100');
    const destination: SlackDestination = {
      platform: 'slack',
      channelId: 'C0001',
      threadTs: '1700000000.000100',
      requesterId: 'U0USER',
      messageTs: parent,
    };
    const delivery = makeDelivery();
    await delivery.deliver('job-1', destination, 'progress', progressReply('🎨 Working… 4 s'));
    await delivery.deliver('job-1', destination, 'result', resultReply());

    expect(apiMethods()).toEqual([
      'chat.update',
      'chat.update',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [progress, result, , complete] = fake.calls();
    expect(progress?.params).toEqual({
      channel: 'C0001',
      ts: parent,
      text: '🎨 Working… 4 s',
      blocks: plainBlocks('🎨 Working… 4 s'),
    });
    expect(result?.params).toMatchObject({ channel: 'C0001', ts: parent, text: '*a red fox*' });
    expect(complete?.params).toMatchObject({ channel_id: 'C0001', thread_ts: '1700000000.000100' });
    expect(fake.messages().find((message) => message.ts === parent)?.text).toBe('*a red fox*');
  });

  it('spends at most 2 of the 5 response_url posts on progress and falls back to an ephemeral message after 5', async () => {
    const responseUrl = fake.responseUrl();
    const destination: SlackDestination = {
      platform: 'slack',
      channelId: 'C0001',
      requesterId: 'U0USER',
      responseUrl,
    };
    const delivery = makeDelivery();
    for (const seconds of [3, 6, 9, 12]) {
      await delivery.deliver('job-1', destination, 'progress', progressReply(`🎨 Working… ${seconds} s`));
    }
    await delivery.deliver('job-1', destination, 'queued', progressReply('⏳ Queued'));
    await delivery.deliver(
      'job-1',
      destination,
      'continuing',
      progressReply('🔄 Continuing after a restart'),
    );
    await delivery.deliver('job-1', destination, 'failure', errorReply('The image API is down.'));
    // A sixth post on the same response_url (a second job of one command) goes as an ephemeral message.
    await delivery.deliver('job-2', destination, 'failure', errorReply('The image API is still down.'));

    expect(fake.responses().map((response) => response.body.text)).toEqual([
      '🎨 Working… 3 s',
      '🎨 Working… 6 s',
      '⏳ Queued',
      '🔄 Continuing after a restart',
      'The image API is down.',
    ]);
    expect(fake.calls().map((call) => [call.method, call.params.user, call.params.text])).toEqual([
      ['chat.postEphemeral', 'U0USER', 'The image API is still down.'],
    ]);
  });

  it('replaces a public placeholder with a failure rather than leave it behind', async () => {
    const parent = await makePlaceholder();
    await makeDelivery().deliver(
      'job-1',
      { platform: 'slack', channelId: 'C0001', requesterId: 'U0USER', messageTs: parent },
      'failure',
      errorReply('The image API is down.'),
    );
    expect(apiMethods()).toEqual(['chat.update']);
    expect(fake.messages()[0]?.text).toBe('The image API is down.');
  });
});

async function makePlaceholder(threadTs?: string): Promise<string> {
  const client = new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
  });
  const posted = await client.chat.postMessage({
    channel: 'C0001',
    text: '⏳ Queued',
    ...(threadTs && { thread_ts: threadTs }),
  });
  fake.log.length = 0;
  return posted.ts ?? '';
}

describe('Slack delivery once per (job, step)', () => {
  const destination: SlackDestination = { platform: 'slack', channelId: 'C0001', requesterId: 'U0USER' };

  async function raceTwoInstances(first: Store, second: Store) {
    const outcomes = await Promise.all([
      makeDelivery(first).deliver('job-1', destination, 'result', resultReply()),
      makeDelivery(second).deliver('job-1', destination, 'result', resultReply()),
    ]);
    expect(outcomes.sort()).toEqual(['already-posted', 'posted']);
    expect(await makeDelivery(second).deliver('job-1', destination, 'result', resultReply())).toBe(
      'already-posted',
    );
    expect(apiMethods()).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(fake.shared).toHaveLength(1);
  }

  it('posts once when two delivery instances share one store', async () => {
    await raceTwoInstances(store, store);
  });

  it.skipIf(!redisUrl)('posts once when two instances have their own connection to one Redis', async () => {
    const namespace = `delivery-test-${randomUUID()}`;
    const first = await createStore(redisUrl ?? '', { logger, namespace });
    const second = await createStore(redisUrl ?? '', { logger, namespace });
    try {
      await raceTwoInstances(first, second);
    } finally {
      await first.close();
      await second.close();
      await removeRedisNamespace(redisUrl ?? '', namespace);
    }
  });

  it('drops a reply for a platform it has no outlet for, posting nothing', async () => {
    const terminal = { platform: 'console' as const, sessionId: 'local' };
    expect(await makeDelivery().deliver('job-1', terminal, 'result', resultReply())).toBe('no-outlet');
    expect(fake.log).toEqual([]);
  });

  it('reads a stored destination with its own schema: one it cannot read posts nothing and is logged', async () => {
    const lines: string[] = [];
    const client = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    const delivery = createDelivery({
      outlets: [createSlackWebApiOutlet({ client, store, logger })],
      store,
      logger: createLogger({ level: 'warn', sink: (line) => lines.push(line) }),
    });
    // Written by a version that stored Slack destinations without the requester.
    const older = { platform: 'slack', channelId: 'C0001', threadTs: '1.2' };
    expect(await delivery.deliver('job-1', older, 'result', resultReply())).toBe('unreadable');
    expect(fake.log).toEqual([]);
    const warning = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warning).toMatchObject([
      {
        msg: 'a job has a destination this version cannot read; its replies are not posted',
        jobId: 'job-1',
        step: 'result',
        platform: 'slack',
        issues: [expect.stringContaining('requesterId')],
      },
    ]);
  });

  it('posts the failure of a job once, even when it is retried', async () => {
    const delivery = makeDelivery();
    await delivery.deliver('job-1', destination, 'failure', {
      ...errorReply('Timed out.'),
      ephemeral: false,
    });
    await delivery.deliver('job-1', destination, 'failure', {
      ...errorReply('Timed out.'),
      ephemeral: false,
    });
    expect(apiMethods()).toEqual(['chat.postMessage']);
  });
});
