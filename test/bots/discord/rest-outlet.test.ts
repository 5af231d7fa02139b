import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REST, Routes } from 'discord.js';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DiscordDestination } from '../../../src/bots/discord/destination.js';
import { createDiscordRestOutlet } from '../../../src/bots/discord/rest-outlet.js';
import { createDelivery, type Delivery, type Posted } from '../../../src/commands/delivery.js';
import type { Reply } from '../../../src/commands/reply.js';
import { createLogger } from '../../../src/core/logger.js';
import { createStore } from '../../../src/core/store/create-store.js';
import type { Store } from '../../../src/core/store/store.js';
import {
  applicationId,
  discordErrors,
  type FakeDiscord,
  generalChannelId,
  guildId,
  startFakeDiscord,
} from '../../fakes/discord/index.js';

const botToken = 'bot-token-for-the-rest-outlet';
const requesterId = '1400000000000000001';
const tokenLifetimeMs = 14 * 60 * 1000;
const logger = createLogger({ level: 'silent' });

let fake: FakeDiscord;
let store: Store;
let now: number;
let png: Buffer;

const rest = () => new REST({ api: fake.apiUrl, retries: 0 }).setToken(botToken);
const outlet = () => createDiscordRestOutlet({ rest: rest(), logger, now: () => now });

function makeDelivery(onPosted?: (jobId: string, posted: Posted) => void, on: Store = store): Delivery {
  return createDelivery({
    outlets: [outlet()],
    store: on,
    logger,
    now: () => now,
    ...(onPosted && { onPosted: async (jobId, _step, posted) => onPosted(jobId, posted) }),
  });
}

function resultReply(images = 1): Reply {
  return {
    kind: 'result',
    text: '**a red fox**',
    caption: 'gemini · 1024×1024',
    images: Array.from({ length: images }, (_, index) => ({
      bytes: png,
      fileName: `fox-${index}.png`,
      mediaType: 'image/png',
      altText: 'a red fox',
    })),
    buttons: [{ action: 'reroll', jobId: 'job-1', label: '🔁 Reroll' }],
    ephemeral: false,
    jobId: 'job-1',
    threadName: 'a red fox',
  };
}

const progressReply = (text: string): Reply => ({
  kind: 'info',
  text,
  images: [],
  buttons: [],
  ephemeral: true,
});

function interactionDestination(
  token: string,
  overrides: Partial<DiscordDestination> = {},
): DiscordDestination {
  return {
    platform: 'discord',
    applicationId,
    channelId: generalChannelId,
    guildId,
    requesterId,
    interactionToken: token,
    tokenExpiresAt: now + tokenLifetimeMs,
    ...overrides,
  };
}

const rerollRow = {
  type: 1,
  components: [{ type: 2, custom_id: 'imagine:reroll:job-1', label: '🔁 Reroll', style: 2 }],
};
const resultContent = '**a red fox**\n-# gemini · 1024×1024';

beforeEach(async () => {
  fake = await startFakeDiscord();
  store = await createStore('memory://', { logger });
  now = 1_800_000_000_000;
  png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#c33' } })
    .png()
    .toBuffer();
});

afterEach(async () => {
  await store.close();
  await fake.close();
});

describe('Discord REST outlet', () => {
  it('edits the deferred reply through the interaction webhook, without the bot token, and starts a thread', async () => {
    const interaction = fake.deferredInteraction();
    const posted: Posted[] = [];
    const outcome = await makeDelivery((_job, where) => posted.push(where)).deliver(
      'job-1',
      interactionDestination(interaction.token),
      'result',
      resultReply(),
    );

    expect(outcome).toBe('posted');
    const [edit, thread, ...rest] = fake.records;
    expect(rest).toEqual([]);
    expect(edit).toMatchObject({
      method: 'PATCH',
      path: `/webhooks/${applicationId}/${interaction.token}/messages/@original`,
      authorization: undefined,
      body: {
        content: resultContent,
        components: [rerollRow],
        allowed_mentions: { parse: [], replied_user: false },
        attachments: [{ id: '0', description: 'a red fox' }],
      },
      status: 200,
    });
    expect(edit?.files).toEqual([
      { field: 'files[0]', name: 'fox-0.png', contentType: 'image/png', bytes: png },
    ]);
    const message = fake.world.messages.get(fake.world.originals.get(interaction.token) ?? '');
    expect(message?.attachments.map((attachment) => attachment.filename)).toEqual(['fox-0.png']);
    expect(thread).toMatchObject({
      method: 'POST',
      path: `/channels/${generalChannelId}/messages/${message?.id}/threads`,
      authorization: `Bot ${botToken}`,
      body: { name: 'a red fox', auto_archive_duration: 1440 },
      status: 201,
    });
    expect(posted).toEqual([
      {
        messageKeys: [`discord:${generalChannelId}:${message?.id}`],
        messageUrl: `https://discord.com/channels/${guildId}/${generalChannelId}/${message?.id}`,
        threadKey: `discord:${message?.id}`,
      },
    ]);
  });

  it('shows progress by editing the original reply, text only', async () => {
    const interaction = fake.deferredInteraction();
    await makeDelivery().deliver(
      'job-1',
      interactionDestination(interaction.token),
      'progress',
      progressReply('🎨 Working… 12 s'),
    );
    expect(fake.records).toHaveLength(1);
    expect(fake.records[0]).toMatchObject({
      method: 'PATCH',
      path: `/webhooks/${applicationId}/${interaction.token}/messages/@original`,
      authorization: undefined,
      files: [],
    });
    // Text only, as discord.js's editReply({ content }): the deferred reply's other fields stay as they are.
    expect(fake.records[0]?.body).toStrictEqual({
      content: '🎨 Working… 12 s',
      allowed_mentions: { parse: [], replied_user: false },
    });
  });

  it('sends the 11th image as a follow-up on the webhook', async () => {
    const interaction = fake.deferredInteraction();
    const { threadName: _noThread, ...reply } = resultReply(11);
    await makeDelivery().deliver('job-1', interactionDestination(interaction.token), 'result', reply);
    const [edit, followUp, ...rest] = fake.records;
    expect(rest).toEqual([]);
    expect(edit?.files).toHaveLength(10);
    expect(followUp).toMatchObject({
      method: 'POST',
      path: `/webhooks/${applicationId}/${interaction.token}`,
      query: { wait: 'true' },
      authorization: undefined,
      body: { content: '', components: [], attachments: [{ id: '0', description: 'a red fox' }] },
      status: 200,
    });
    expect(followUp?.files.map((file) => file.name)).toEqual(['fox-10.png']);
  });

  it('after 14 minutes posts in the channel with the bot token, pinging the requester, and marks the note done', async () => {
    const interaction = fake.deferredInteraction();
    const note = z.object({ id: z.string() }).parse(
      await rest().post(Routes.channelMessages(generalChannelId), {
        body: { content: '⏳ Queued — #2 in line' },
      }),
    );
    const destination = interactionDestination(interaction.token, { messageId: note.id });
    now += tokenLifetimeMs;
    const before = fake.records.length;

    await makeDelivery().deliver('job-1', destination, 'result', resultReply());

    const calls = fake.records.slice(before);
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      `POST /channels/${generalChannelId}/messages`,
      // The thread first: the note says done only once replies in the thread can be understood.
      expect.stringMatching(new RegExp(`^POST /channels/${generalChannelId}/messages/\\d+/threads$`)),
      `PATCH /channels/${generalChannelId}/messages/${note.id}`,
    ]);
    expect(calls.every((call) => call.authorization === `Bot ${botToken}`)).toBe(true);
    expect(calls[0]).toMatchObject({
      body: {
        content: `<@${requesterId}> ${resultContent}`,
        allowed_mentions: { parse: [], users: [requesterId], replied_user: false },
        attachments: [{ id: '0', description: 'a red fox' }],
      },
      status: 200,
    });
    expect(calls[0]?.files.map((file) => file.name)).toEqual(['fox-0.png']);
    expect(fake.world.messages.get(note.id)?.content).toBe('✅ Done');
  });

  it('falls back to the channel when Discord says the token is gone', async () => {
    const interaction = fake.deferredInteraction();
    fake.expireInteraction(interaction.token);
    await makeDelivery().deliver('job-1', interactionDestination(interaction.token), 'result', resultReply());
    expect(fake.records.map((call) => `${call.method} ${call.path} ${call.status}`).slice(0, 2)).toEqual([
      `PATCH /webhooks/${applicationId}/${interaction.token}/messages/@original 404`,
      `POST /channels/${generalChannelId}/messages 200`,
    ]);
    expect(fake.records[1]?.body).toMatchObject({ content: `<@${requesterId}> ${resultContent}` });
  });

  it('posts a thread reply in its thread and does not start another', async () => {
    const threadId = fake.world.addThread('1500000000000000099', generalChannelId, 'fox', requesterId).id;
    await makeDelivery().deliver(
      'job-1',
      { platform: 'discord', applicationId, channelId: generalChannelId, guildId, threadId, requesterId },
      'result',
      resultReply(),
    );
    expect(fake.records.map((call) => `${call.method} ${call.path}`)).toEqual([
      `POST /channels/${threadId}/messages`,
    ]);
    expect(fake.records[0]?.body).toMatchObject({
      content: resultContent,
      allowed_mentions: { parse: [], replied_user: false },
    });
  });

  it('tells the requester in the channel that a job continues after a restart when the token is gone', async () => {
    const destination = interactionDestination(fake.deferredInteraction().token);
    now += tokenLifetimeMs;
    await makeDelivery().deliver(
      'job-1',
      destination,
      'continuing',
      progressReply('🔄 Continuing after a restart'),
    );
    expect(fake.records).toHaveLength(1);
    expect(fake.records[0]).toMatchObject({
      method: 'POST',
      path: `/channels/${generalChannelId}/messages`,
      body: { content: `<@${requesterId}> 🔄 Continuing after a restart` },
    });
  });
});

describe('delivery once per (job, step)', () => {
  it('posts a result delivered twice once', async () => {
    const interaction = fake.deferredInteraction();
    const delivery = makeDelivery();
    const destination = interactionDestination(interaction.token);
    expect(await delivery.deliver('job-1', destination, 'result', resultReply())).toBe('posted');
    expect(await delivery.deliver('job-1', destination, 'result', resultReply())).toBe('already-posted');
    expect(fake.records.filter((call) => call.path.includes('/webhooks/'))).toHaveLength(1);
  });

  it('posts once when two delivery instances on two connections to one SQLite file race', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'delivery-'));
    const url = `sqlite://${join(directory, 'store.sqlite')}`;
    const first = await createStore(url, { logger });
    const second = await createStore(url, { logger });
    try {
      const interaction = fake.deferredInteraction();
      const destination = interactionDestination(interaction.token, { guildId: undefined });
      const outcomes = await Promise.all([
        makeDelivery(undefined, first).deliver('job-1', destination, 'result', resultReply()),
        makeDelivery(undefined, second).deliver('job-1', destination, 'result', resultReply()),
      ]);
      expect(outcomes.sort()).toEqual(['already-posted', 'posted']);
      // Later, on the second instance (a retried job), it is still delivered.
      expect(
        await makeDelivery(undefined, second).deliver('job-1', destination, 'result', resultReply()),
      ).toBe('already-posted');
      expect(fake.records).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('gives the claim back when posting fails, so a retry posts', async () => {
    const interaction = fake.deferredInteraction();
    const destination = interactionDestination(interaction.token, { guildId: undefined });
    fake.fault({ method: 'PATCH', path: '/webhooks/', ...discordErrors.serverError });
    const delivery = makeDelivery();
    await expect(delivery.deliver('job-1', destination, 'result', resultReply())).rejects.toThrow();
    expect(await delivery.deliver('job-1', destination, 'result', resultReply())).toBe('posted');
    expect(fake.records.map((call) => call.status)).toEqual([500, 200]);
  });

  it('drops progress while the result is being posted, so the edit cannot wipe its images', async () => {
    const interaction = fake.deferredInteraction();
    const destination = interactionDestination(interaction.token, { guildId: undefined });
    const delivery = makeDelivery();
    fake.fault({ method: 'PATCH', path: '/webhooks/', status: 429, retryAfterSeconds: 0.2 });
    const result = delivery.deliver('job-1', destination, 'result', resultReply());
    await fake.waitFor('the rate-limited result', (call) => call.status === 429);
    expect(await delivery.deliver('job-1', destination, 'progress', progressReply('🎨 Working… 9 s'))).toBe(
      'already-posted',
    );
    expect(await result).toBe('posted');
    expect(fake.records.map((call) => [call.status, (call.body as { content: string }).content])).toEqual([
      [429, resultContent],
      [200, resultContent],
    ]);
  });

  it('repeats progress, but drops it once the result is posted', async () => {
    const interaction = fake.deferredInteraction();
    const destination = interactionDestination(interaction.token, { guildId: undefined });
    const delivery = makeDelivery();
    await delivery.deliver('job-1', destination, 'progress', progressReply('🎨 Working… 3 s'));
    await delivery.deliver('job-1', destination, 'progress', progressReply('🎨 Working… 6 s'));
    await delivery.deliver('job-1', destination, 'result', resultReply());
    expect(await delivery.deliver('job-1', destination, 'progress', progressReply('🎨 Working… 9 s'))).toBe(
      'already-posted',
    );
    expect(fake.records.map((call) => (call.body as { content: string }).content)).toEqual([
      '🎨 Working… 3 s',
      '🎨 Working… 6 s',
      resultContent,
    ]);
  });
});
