import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { type DiscordBotHandle, startDiscordBot } from '../../../src/bots/discord/index.js';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/core/logger.js';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import {
  applicationId,
  type FakeDiscord,
  generalChannelId,
  guildId,
  type SentInteraction,
  secondGuildChannelId,
  secondGuildId,
} from '../../fakes/discord/index.js';
import {
  alice,
  bob,
  type DiscordHarness,
  discordToken,
  generationBodies,
  imageKey,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

// With 2 shards, Discord sends the events of `guildId` to shard 1 and those of `secondGuildId` to shard 0.
function twoGuildsOnTwoShards(discord: FakeDiscord): void {
  discord.world.shards = 2;
  discord.world.addGuild(secondGuildId, 'Second', { [secondGuildChannelId]: 'lobby' });
}

/** The shards each gateway connection was sent an event of this type for, as `[session, guild]`. */
function receivers(discord: FakeDiscord, type: string): [number, string | undefined][] {
  return discord.deliveries
    .filter((delivery) => delivery.type === type)
    .map((delivery) => [delivery.session, delivery.guildId]);
}

interface ShardProcess {
  images: FakeImageApi;
  bot: DiscordBotHandle;
  close(): Promise<void>;
}

/**
 * Another bot process of the same application, with its own image API (so the test sees which process ran a job)
 * and the first one's store, as processes sharing STORE_URL do.
 */
async function startShardProcess(
  harness: DiscordHarness,
  env: Record<string, string>,
): Promise<ShardProcess> {
  const images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
  const config = parseConfig({
    IMAGE_API_BASE_URL: images.url,
    IMAGE_API_KEY: imageKey,
    IMAGE_API_MAX_RETRIES: '0',
    USER_RATE_LIMIT_PER_MINUTE: '0',
    DISCORD_TOKEN: discordToken,
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_API_URL: harness.discord.apiUrl,
    ...env,
  });
  const logger = createLogger({ level: 'silent' });
  const app = await createApp(config, {
    logger,
    store: harness.app.store,
    imageStore: harness.app.imageStore,
    progressIntervalMs: 60_000,
  });
  const bot = await startDiscordBot({ app, config, logger, stopGraceMs: 5000 });
  return {
    images,
    bot,
    async close() {
      await bot.stop();
      await app.close();
      await images.close();
    },
  };
}

describe('two bot processes, DISCORD_SHARDS=2 with DISCORD_SHARD_IDS=0 and =1, on one gateway', () => {
  let shard0: DiscordHarness;
  let shard1: ShardProcess;

  beforeEach(async () => {
    shard0 = await startDiscordHarness({
      env: { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0' },
      prepare: twoGuildsOnTwoShards,
    });
    shard1 = await startShardProcess(shard0, { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1' });
  });
  afterEach(async () => {
    await shard1.close();
    await shard0.close();
  });

  it('identifies each process as its shard, and each is told of its own guild only', () => {
    const { discord } = shard0;
    expect(discord.identifies.map((identify) => identify.shard)).toStrictEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(receivers(discord, 'GUILD_CREATE')).toStrictEqual([
      [1, secondGuildId],
      [2, guildId],
    ]);
  });

  it('answers an /imagine in a guild of shard 1 from the shard-1 process, one of shard 0 from the shard-0 process', async () => {
    const { discord } = shard0;
    const onShard1 = discord.slashCommand({
      name: 'imagine',
      user: alice,
      channelId: generalChannelId,
      options: { prompt: 'a lighthouse on shard one' },
    });
    const answer1 = await waitForAnswer(shard0, onShard1);
    await Promise.all([shard0.bot.idle(), shard1.bot.idle()]);
    expect(generationBodies(shard1.images).map((body) => body.prompt)).toStrictEqual([
      'a lighthouse on shard one',
    ]);
    expect(generationBodies(shard0.images)).toStrictEqual([]);
    expect(answer1.files.map((file) => file.bytes)).toStrictEqual(shard1.images.images);

    const onShard0 = discord.slashCommand({
      name: 'imagine',
      user: bob,
      channelId: secondGuildChannelId,
      options: { prompt: 'a harbour on shard zero' },
    });
    const answer0 = await waitForAnswer(shard0, onShard0);
    await Promise.all([shard0.bot.idle(), shard1.bot.idle()]);
    expect(generationBodies(shard0.images).map((body) => body.prompt)).toStrictEqual([
      'a harbour on shard zero',
    ]);
    expect(generationBodies(shard1.images)).toHaveLength(1);
    expect(answer0.files.map((file) => file.bytes)).toStrictEqual(shard0.images.images);

    // Each interaction reached only the connection of its guild's shard.
    expect(receivers(discord, 'INTERACTION_CREATE')).toStrictEqual([
      [2, guildId],
      [1, secondGuildId],
    ]);
    expect(callbacksOf(discord, onShard1)).toBe(1);
    expect(callbacksOf(discord, onShard0)).toBe(1);
  });
});

describe('DISCORD_SHARDS=auto', () => {
  let harness: DiscordHarness;

  beforeEach(async () => {
    harness = await startDiscordHarness({
      env: { DISCORD_SHARDS: 'auto' },
      prepare: (discord) => {
        twoGuildsOnTwoShards(discord);
        // Both shards may identify at once (else discord.js waits 5 s between them, as Discord asks).
        discord.world.maxConcurrency = 2;
      },
    });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('runs as many shards as GET /gateway/bot recommends, in one process, and answers in both guilds', async () => {
    const { discord } = harness;
    expect(discord.identifies.map((identify) => identify.shard).sort()).toStrictEqual([
      [0, 2],
      [1, 2],
    ]);
    const sent = [generalChannelId, secondGuildChannelId].map((channelId) =>
      discord.slashCommand({
        name: 'imagine',
        user: alice,
        channelId,
        options: { prompt: `a kite in ${channelId}` },
      }),
    );
    for (const interaction of sent) await waitForAnswer(harness, interaction);
    expect(generationBodies(harness.images)).toHaveLength(2);
  });
});

function callbacksOf(discord: FakeDiscord, sent: SentInteraction): number {
  return discord.records.filter(
    (record) => record.method === 'POST' && record.path === `/interactions/${sent.id}/${sent.token}/callback`,
  ).length;
}
