import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { type DiscordBotHandle, startDiscordBot } from '../../../src/bots/discord/index.js';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/core/logger.js';
import { applicationId } from '../../fakes/discord/index.js';
import {
  alice,
  callbackPath,
  type DiscordHarness,
  discordToken,
  generationBodies,
  imageKey,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

// Two bot processes on one token both receive every gateway event; sharing a store, exactly one answers.
describe('two Discord bot instances sharing one store', () => {
  let harness: DiscordHarness;
  let second: { close(): Promise<void>; bot: DiscordBotHandle };

  beforeEach(async () => {
    harness = await startDiscordHarness();
    const config = parseConfig({
      IMAGE_API_BASE_URL: harness.images.url,
      IMAGE_API_KEY: imageKey,
      IMAGE_API_MAX_RETRIES: '0',
      USER_RATE_LIMIT_PER_MINUTE: '0',
      DISCORD_TOKEN: discordToken,
      DISCORD_APPLICATION_ID: applicationId,
      DISCORD_API_URL: harness.discord.apiUrl,
    });
    const logger = createLogger({ level: 'silent' });
    const app = await createApp(config, {
      logger,
      store: harness.app.store,
      imageStore: harness.app.imageStore,
    });
    const bot = await startDiscordBot({ app, config, logger, stopGraceMs: 5000 });
    second = {
      bot,
      async close() {
        await bot.stop();
        await app.close();
      },
    };
  });
  afterEach(async () => {
    await second.close();
    await harness.close();
  });

  it('answers each interaction once', async () => {
    const sent = harness.discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'one answer only' },
    });
    await waitForAnswer(harness, sent);
    await Promise.all([harness.bot.idle(), second.bot.idle()]);
    const callbacks = harness.discord.records.filter((record) => record.path === callbackPath(sent));
    expect(callbacks).toHaveLength(1);
    expect(generationBodies(harness.images)).toHaveLength(1);
  });
});
