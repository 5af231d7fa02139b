import { type App, type AppOverrides, createApp } from '../../src/app.js';
import type { CommandContext } from '../../src/commands/context.js';
import type { Reply } from '../../src/commands/reply.js';
import { parseConfig } from '../../src/config.js';
import { type LazyAttachment, readyAttachment } from '../../src/core/attachment.js';
import { createLogger } from '../../src/core/logger.js';
import { createStore, type ImageStore } from '../../src/core/store/index.js';
import type { Store } from '../../src/core/store/store.js';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';

export const sentinelKey = 'sk-SENTINEL-harness-7f3a9c';

export interface Harness {
  fake: FakeImageApi;
  app: App;
  logLines: string[];
  context(overrides?: Partial<CommandContext> & { userId?: string }): CommandContext;
  /** The JSON bodies the fake image API received, oldest first. */
  bodies(): Record<string, unknown>[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** A ready store (the caller closes it), instead of `storeUrl`. */
  store?: Store;
  storeUrl?: string;
  /** A ready image store (the caller closes it), instead of a memory one. */
  imageStore?: ImageStore;
  /** A running fake to share (the caller closes it), e.g. across an app restart. */
  fake?: FakeImageApi;
  /** createApp seams (random, clock…); the harness brings its own logger and store. */
  overrides?: Omit<AppOverrides, 'logger' | 'store' | 'imageStore'>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeImageApi({ apiKey: sentinelKey, maxSide: 256 }));
  const config = parseConfig({
    IMAGE_API_BASE_URL: fake.url,
    IMAGE_API_KEY: sentinelKey,
    IMAGE_API_MAX_RETRIES: '0',
    STORE_URL: options.storeUrl ?? 'memory://',
    IMAGE_STORE_URL: 'memory://',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: [sentinelKey],
    sink: (line) => logLines.push(line),
  });
  const store = options.store ?? (await createStore(config.storeUrl, { logger }));
  const app = await createApp(config, {
    progressIntervalMs: 60_000,
    // Seeds drawn for requests that give none are then known: floor(0.5 × 2^31) = 1073741824.
    random: () => 0.5,
    ...options.overrides,
    logger,
    store,
    ...(options.imageStore && { imageStore: options.imageStore }),
  });
  return {
    fake,
    app,
    logLines,
    context(overrides = {}) {
      const { userId, ...rest } = overrides;
      return {
        platform: 'console',
        user: { id: userId ?? 'console:alice', name: 'alice', isAdmin: false },
        channelId: 'console:general',
        uploadLimitBytes: 10 * 1024 * 1024,
        ...rest,
      };
    },
    bodies: () =>
      fake.requests
        .filter((request) => request.path === '/v1/images/generations')
        .map((request) => request.body as Record<string, unknown>),
    async close() {
      await app.close();
      if (!options.store) await store.close();
      if (!options.fake) await fake.close();
    },
  };
}

export const dataUri = (bytes: Buffer | undefined, mediaType = 'image/png') =>
  `data:${mediaType};base64,${(bytes ?? Buffer.alloc(0)).toString('base64')}`;

/** The one reply of a command, checked to be of `kind` (its text shows when it is not). */
export function onlyReply(replies: Reply[] | undefined, kind: Reply['kind']): Reply {
  if (replies?.length !== 1) throw new Error(`expected one reply, got ${JSON.stringify(summarise(replies))}`);
  const [reply] = replies;
  if (reply?.kind !== kind)
    throw new Error(`expected a ${kind} reply, got ${JSON.stringify(summarise(replies))}`);
  return reply;
}

function summarise(replies: Reply[] | undefined) {
  return replies?.map((reply) => ({ kind: reply.kind, text: reply.text }));
}

/** Images in memory as the attachments the brain takes (the chat's files are like this). */
export const attached = (...images: { bytes: Uint8Array; mediaType: string }[]): LazyAttachment[] =>
  images.map((image, index) => readyAttachment(`image-${index + 1}`, image));
