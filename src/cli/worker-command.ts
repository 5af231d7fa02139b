import { existsSync } from 'node:fs';
import { createApp } from '../app.js';
import { platformOutlets } from '../bots/platform-outlets.js';
import { type Config, configSecrets, loadConfig } from '../config.js';
import { invalidOption } from '../core/errors.js';
import { chooseLogFormat, createLogger, type Logger } from '../core/logger.js';
import { untilInterrupted } from './front-ends.js';
import type { CliIo } from './io.js';
import { startOperatorEndpoints } from './operator-endpoints.js';
import { checkSharedQueue, stopAll, storeKinds } from './start-command.js';
import { logUnhandledRejections } from './unhandled-rejections.js';

/**
 * `imagine-bot worker`: runs jobs from the shared queue (a redis:// STORE_URL) and posts their replies through
 * the platforms' REST APIs, with no gateway or Slack endpoint of its own. Front ends run elsewhere
 * (`imagine-bot start --no-worker`, or `start` which also works).
 */
export async function runWorker(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length > 0) throw invalidOption('arguments', 'imagine-bot worker takes no arguments.');
  if (io.env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(io.env);
  checkSharedQueue(config, 'imagine-bot worker');
  if (!config.discord && !config.slack) {
    throw invalidOption(
      'DISCORD_TOKEN',
      'imagine-bot worker posts results through Discord or Slack: set DISCORD_TOKEN and DISCORD_APPLICATION_ID, or SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN).',
    );
  }
  const logger = createLogger({
    level: config.logLevel,
    format: chooseLogFormat(config.logFormat, io.logIsTerminal ?? false),
    secrets: configSecrets(config),
    sink: io.log,
  });
  const stopWatching = logUnhandledRejections(logger);
  try {
    await serveJobs(config, logger, io);
  } finally {
    stopWatching();
  }
  return 0;
}

async function serveJobs(config: Config, logger: Logger, io: CliIo): Promise<void> {
  const app = await createApp(config, { logger, jobs: 'durable', metrics: true });
  const operator = await startOperatorEndpoints(app, config, logger);
  for (const outlet of await platformOutlets(config, app.store, logger, app.services.events))
    app.useOutlet(outlet);
  await app.recover();
  io.stdout('Worker running: jobs from the shared queue. Ctrl-C stops it.\n');
  logger.info('worker started', {
    ...storeKinds(config),
    platforms: [config.discord && 'discord', config.slack && 'slack'].filter(Boolean),
  });
  await untilInterrupted(io);
  await stopAll([], app, logger, config.shutdownGraceMs);
  await operator.close();
}
