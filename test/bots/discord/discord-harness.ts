import { z } from 'zod';
import { type App, createApp } from '../../../src/app.js';
import { type DiscordBotHandle, startDiscordBot } from '../../../src/bots/discord/index.js';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/core/logger.js';
import { createImageStore } from '../../../src/core/store/index.js';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import {
  applicationId,
  type DiscordRecord,
  type FakeDiscord,
  type FakeUser,
  type SentInteraction,
  startFakeDiscord,
} from '../../fakes/discord/index.js';

export const imageKey = 'sk-SENTINEL-discord-5b1e77';
export const discordToken = 'discord-token-SENTINEL-8c2f01';

export const alice: FakeUser = { id: '1400000000000000001', username: 'alice' };
export const bob: FakeUser = { id: '1400000000000000002', username: 'bob' };
export const carol: FakeUser = { id: '1400000000000000003', username: 'carol' };

/** A clock the test moves by hand (the 15-minute token deadline, the progress throttle). */
export interface MovableClock {
  now(): number;
  advance(ms: number): void;
}

export function movableClock(start = 1_767_225_600_000): MovableClock {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

export interface DiscordHarness {
  discord: FakeDiscord;
  images: FakeImageApi;
  app: App;
  bot: DiscordBotHandle;
  clock: MovableClock;
  logLines: string[];
  /** Stops the bot and its app, then starts new ones on the same store (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Application flags the fake reports (default: Message Content enabled). */
  applicationFlags?: number;
  /** The runner's progress interval (default 60 s: no elapsed-time events). */
  runnerProgressMs?: number;
  /** Sets up the fake Discord (more guilds, a shard count) before the bot connects. */
  prepare?: (discord: FakeDiscord) => void;
}

export async function startDiscordHarness(options: HarnessOptions = {}): Promise<DiscordHarness> {
  const images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
  const discord = await startFakeDiscord();
  if (options.applicationFlags !== undefined) discord.world.applicationFlags = options.applicationFlags;
  options.prepare?.(discord);
  const clock = movableClock();
  const logLines: string[] = [];
  const config = parseConfig({
    IMAGE_API_BASE_URL: images.url,
    IMAGE_API_KEY: imageKey,
    IMAGE_API_MAX_RETRIES: '0',
    STORE_URL: 'memory://',
    IMAGE_STORE_URL: 'memory://',
    USER_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'debug',
    DISCORD_TOKEN: discordToken,
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_API_URL: discord.apiUrl,
    ...options.env,
  });
  const logger = createLogger({
    level: 'debug',
    secrets: [imageKey, discordToken],
    sink: (line) => logLines.push(line),
  });
  // Opened once, like a folder on disk: a restart keeps the images its jobs point at.
  const imageStore = await createImageStore(config.imageStoreUrl, { logger });
  const start = async () => {
    const app = await createApp(config, {
      logger,
      imageStore,
      progressIntervalMs: options.runnerProgressMs ?? 60_000,
      // Seeds drawn for requests that give none are then known: floor(0.5 × 2^31) = 1073741824.
      random: () => 0.5,
    });
    const bot = await startDiscordBot({ app, config, logger, clock, stopGraceMs: 5000 });
    return { app, bot };
  };
  const harness: DiscordHarness = {
    discord,
    images,
    clock,
    logLines,
    ...(await start()),
    async restart() {
      await harness.bot.stop();
      await harness.app.close();
      Object.assign(harness, await start());
    },
    async close() {
      await harness.bot.stop();
      await harness.app.close();
      await imageStore.close();
      await discord.close();
      await images.close();
    },
  };
  return harness;
}

const bodySchema = z
  .object({
    content: z.string().optional(),
    components: z.array(z.unknown()).optional(),
    flags: z.number().optional(),
    allowed_mentions: z.unknown().optional(),
  })
  .loose();
export type MessageBody = z.infer<typeof bodySchema>;

/** The JSON (or payload_json) of a recorded request. */
export function bodyOf(record: DiscordRecord | undefined): MessageBody {
  return bodySchema.parse(record?.body ?? {});
}

export const originalPath = (sent: SentInteraction) =>
  `/webhooks/${applicationId}/${sent.token}/messages/@original`;
export const callbackPath = (sent: SentInteraction) => `/interactions/${sent.id}/${sent.token}/callback`;

/** The edit that answered the interaction (it carries components; progress edits do not). */
export function waitForAnswer(harness: DiscordHarness, sent: SentInteraction): Promise<DiscordRecord> {
  return harness.discord.waitFor(`the answer to ${sent.id}`, (record) => {
    if (record.method !== 'PATCH' || record.path !== originalPath(sent) || record.status !== 200)
      return false;
    return bodyOf(record).components !== undefined;
  });
}

/** The requests to the image API's generation endpoint, in order. */
export function generationBodies(images: FakeImageApi): Record<string, unknown>[] {
  const schema = z.record(z.string(), z.unknown());
  return images.requests
    .filter((request) => request.path === '/v1/images/generations')
    .map((request) => schema.parse(request.body));
}

export const customIds = (body: MessageBody): string[] =>
  JSON.stringify(body.components ?? [])
    .match(/"custom_id":"[^"]+"/g)
    ?.map((match) => match.slice('"custom_id":"'.length, -1)) ?? [];

/** Resolves once the fake image API has received `count` generation requests. */
export async function waitForGeneration(harness: DiscordHarness, count: number): Promise<void> {
  for (let waited = 0; generationBodies(harness.images).length < count; waited += 10) {
    if (waited > 15_000) throw new Error(`The image API never received ${count} generation requests.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
