import { parseConfig } from '../config.js';
import { startFakeImageApi } from '../dev/fake-image-api/index.js';
import { chatWithConfig, parseChatArgs } from './chat-command.js';
import type { CliIo } from './io.js';
import { processTerminal, type Terminal } from './terminal.js';

/** Not a secret: the in-process fake accepts any key. */
const demoKey = 'demo-key-for-the-local-fake';

/**
 * `imagine-bot demo` (`npm run demo`): the chat against the fake image API, started in-process on a free
 * loopback port, so the bot can be tried with no key and nothing leaves the machine.
 */
export async function runDemo(
  argv: readonly string[],
  io: CliIo,
  terminal: Terminal = processTerminal(),
): Promise<number> {
  const args = parseChatArgs(argv, 'demo');
  if (args.help) {
    io.stdout('Usage: imagine-bot demo [--out DIR]\n\nThe terminal chat against a local fake image API.\n');
    return 0;
  }
  const fake = await startFakeImageApi({ host: '127.0.0.1', port: 0 });
  try {
    // The user's own settings are kept when set; the base URL is always the fake's. The fake costs nothing,
    // so the per-minute limit (6 by default) would only get in the way of trying things, and the daily quotas are
    // off even when a copied .env sets them.
    const env: NodeJS.ProcessEnv = {
      ...io.env,
      IMAGE_API_BASE_URL: fake.url,
      IMAGE_API_KEY: io.env.IMAGE_API_KEY?.trim() || demoKey,
      STORE_URL: io.env.STORE_URL?.trim() || 'memory://',
      IMAGE_STORE_URL: io.env.IMAGE_STORE_URL?.trim() || 'memory://',
      USER_RATE_LIMIT_PER_MINUTE: io.env.USER_RATE_LIMIT_PER_MINUTE?.trim() || '0',
      USER_DAILY_QUOTA: '0',
      CHANNEL_DAILY_QUOTA: '0',
    };
    const config = parseConfig(env);
    io.stdout(
      `Demo: a local fake image API at ${fake.url} answers (generated test patterns, no key, nothing leaves this machine).\n`,
    );
    return await chatWithConfig(config, env, io, terminal, args.outDir);
  } finally {
    await fake.close();
  }
}
