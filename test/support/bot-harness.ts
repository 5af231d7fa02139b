import { type App, createApp } from '../../src/app.js';
import type { CommandContext } from '../../src/commands/context.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/core/logger.js';
import { createStore } from '../../src/core/store/index.js';
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

export async function startHarness(
  options: { env?: Record<string, string>; store?: Store; storeUrl?: string } = {},
): Promise<Harness> {
  const fake = await startFakeImageApi({ apiKey: sentinelKey });
  const config = parseConfig({
    IMAGE_API_BASE_URL: fake.url,
    IMAGE_API_KEY: sentinelKey,
    IMAGE_API_MAX_RETRIES: '0',
    STORE_URL: options.storeUrl ?? 'memory://',
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
  const app = await createApp(config, { logger, store, progressIntervalMs: 60_000 });
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
      await fake.close();
    },
  };
}
