import type { Dispatcher } from 'undici';
import { type Brain, createBrain } from './commands/brain.js';
import type { BotServices } from './commands/services.js';
import { type Config, configSecrets } from './config.js';
import { createImageClient } from './core/client/index.js';
import { createConversationStore } from './core/conversations/conversation-store.js';
import { createImageService } from './core/image-service.js';
import { createJobExecutor } from './core/jobs/job-executor.js';
import { createJobStore, newJobId } from './core/jobs/job-store.js';
import { type Clock, createLocalRunner, systemClock } from './core/jobs/local-runner.js';
import { createQuotas } from './core/jobs/quotas.js';
import type { JobRunner } from './core/jobs/runner.js';
import { createLogger, type Logger } from './core/logger.js';
import { type AttachmentDownloader, createAttachmentDownloader } from './core/net/attachment-downloader.js';
import { createSettingsStore } from './core/settings/settings.js';
import { createImageBlobs } from './core/store/blobs.js';
import { createEventClaims } from './core/store/event-claims.js';
import type { ImageStore } from './core/store/image-store.js';
import { createImageStore, createStore } from './core/store/index.js';
import type { Store } from './core/store/store.js';

export interface App {
  brain: Brain;
  services: BotServices;
  /** Reads the files users attach on Slack and Discord; one per app, so its download limit is process-wide. */
  downloads: AttachmentDownloader;
  store: Store;
  /** Image bytes (IMAGE_STORE_URL); the store keeps their hashes. */
  imageStore: ImageStore;
  logger: Logger;
  close(): Promise<void>;
}

export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  /** Test seam: a ready store instead of `config.storeUrl`. */
  store?: Store;
  /** Test seam: a ready image store instead of `config.imageStoreUrl` (the caller closes it). */
  imageStore?: ImageStore;
  dispatcher?: Dispatcher;
  random?: () => number;
  progressIntervalMs?: number;
}

/** The composition root: config in, a brain out. Front ends (chat, Discord, Slack) only add their adapter. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const clock = overrides.clock ?? systemClock();
  const store = overrides.store ?? (await createStore(config.storeUrl, { logger }));
  const imageStore =
    overrides.imageStore ??
    (await createImageStore(config.imageStoreUrl, { logger }).catch(async (error: unknown) => {
      // Nothing this app opened may outlive a failed start.
      if (!overrides.store) await store.close();
      throw error;
    }));
  const client = createImageClient({
    ...config.imageApi,
    logger,
    ...(overrides.dispatcher && { dispatcher: overrides.dispatcher }),
  });
  const jobs = createJobStore(store, config.imageTtlMs);
  const conversations = createConversationStore(store, config.imageTtlMs, () => clock.now());
  const blobs = createImageBlobs(store, imageStore);
  const executor = createJobExecutor({
    jobs,
    conversations,
    blobs,
    images: createImageService({ client, random: overrides.random ?? Math.random }),
    historyTurns: config.historyTurns,
    imageTtlMs: config.imageTtlMs,
    now: () => clock.now(),
  });
  const runner: JobRunner = createLocalRunner({
    executor,
    globalConcurrency: config.imageApi.concurrency,
    perUserConcurrency: config.limits.userConcurrency,
    ...(overrides.progressIntervalMs !== undefined && { progressIntervalMs: overrides.progressIntervalMs }),
    clock,
    logger,
  });
  const services: BotServices = {
    config: {
      defaultModel: config.defaultModel,
      historyTurns: config.historyTurns,
      imageTtlMs: config.imageTtlMs,
      adminIds: config.adminIds,
      maxPromptChars: config.limits.maxPromptChars,
    },
    jobs,
    conversations,
    presets: createSettingsStore(store),
    claims: createEventClaims(store, logger),
    blobs,
    runner,
    quotas: createQuotas(
      store,
      {
        userPerMinute: config.limits.userPerMinute,
        userPerDay: config.limits.userPerDay,
        channelPerDay: config.limits.channelPerDay,
      },
      { now: () => clock.now() },
    ),
    now: () => clock.now(),
    newId: newJobId,
    random: overrides.random ?? Math.random,
  };
  return {
    brain: createBrain(services),
    services,
    downloads: createAttachmentDownloader({
      maxBytes: config.attachments.maxBytes,
      maxConcurrent: config.attachments.maxConcurrentDownloads,
      logger,
    }),
    store,
    imageStore,
    logger,
    async close() {
      await runner.close();
      await client.close();
      if (!overrides.imageStore) await imageStore.close();
      if (!overrides.store) await store.close();
    },
  };
}
