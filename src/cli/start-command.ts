import { existsSync } from 'node:fs';
import { type App, createApp } from '../app.js';
import { startBoardForApp } from '../board/board-for-app.js';
import { type Config, configSecrets, loadConfig } from '../config.js';
import { invalidOption, isImagineError } from '../core/errors.js';
import { chooseLogFormat, createLogger, type Logger } from '../core/logger.js';
import { redactSecrets } from '../core/redact-secrets.js';
import { runChat } from './chat-command.js';
import { type FrontEnd, frontEnds, type RunningFrontEnd, untilInterrupted } from './front-ends.js';
import type { CliIo } from './io.js';
import { startOperatorEndpoints } from './operator-endpoints.js';
import { processTerminal, type Terminal } from './terminal.js';
import { logUnhandledRejections } from './unhandled-rejections.js';

export function noFrontEndText(list: readonly FrontEnd[]): string {
  const lines = list.map((frontEnd) => `  ${`${frontEnd.name}:`.padEnd(11)}${frontEnd.variables}`);
  return `No front end is configured. Set these in the environment or in .env, then start again:
${lines.join('\n')}
  ${'Image API:'.padEnd(11)}IMAGE_API_KEY (required) and IMAGE_API_BASE_URL (default https://console.mixroute.io)
To chat in a terminal instead: imagine-bot chat. To try the bot with no key at all: npm run demo
`;
}

const isSet = (env: NodeJS.ProcessEnv, name: string) => (env[name]?.trim() ?? '') !== '';

/** Stops what did start; a front end that fails to stop is logged, the others still stop. */
/**
 * Stops what did start; a front end that fails to stop is logged, the others still stop. Running jobs then get
 * `graceMs` to finish (their replies still go out through REST) before they are handed back.
 */
export async function stopAll(
  running: readonly RunningFrontEnd[],
  app: App,
  logger: Logger,
  graceMs = 0,
): Promise<void> {
  const stopped = await Promise.allSettled(running.map((frontEnd) => frontEnd.stop()));
  for (const outcome of stopped) {
    if (outcome.status === 'rejected')
      logger.error('a front end did not stop cleanly', { error: outcome.reason });
  }
  await app.close(graceMs);
}

/** What the stores are, never their URLs (a Redis URL may hold a password). */
export function storeKinds(config: { storeUrl: string; imageStoreUrl: string }) {
  // rediss:// is Redis over TLS; only that trailing s goes (redis, sqlite, s3 keep theirs).
  const scheme = (url: string) => url.slice(0, url.indexOf(':')).replace(/^rediss$/, 'redis');
  return {
    store: scheme(config.storeUrl),
    imageStore: scheme(config.imageStoreUrl),
    jobs: scheme(config.storeUrl) === 'redis' ? 'bullmq' : 'embedded',
  };
}

/** `--no-worker`: this process only receives commands; `imagine-bot worker` processes on the same Redis run them. */
function readStartArguments(argv: readonly string[]): { runWorker: boolean } {
  const unknown = argv.filter((argument) => argument !== '--no-worker');
  if (unknown.length > 0) {
    throw invalidOption('arguments', `imagine-bot start takes only --no-worker (got ${unknown.join(' ')}).`);
  }
  return { runWorker: !argv.includes('--no-worker') };
}

/** Jobs run by other processes need a queue they share: a redis:// STORE_URL. */
export function checkSharedQueue(config: { storeUrl: string }, what: string): void {
  if (/^rediss?:\/\//.test(config.storeUrl)) return;
  throw invalidOption(
    'STORE_URL',
    `${what} needs a redis:// STORE_URL shared with the other instances (jobs go through its queue).`,
  );
}

/** The cause, in one line without a secret; the exit code is 2 when a variable must change (README). */
function describeFailure(error: unknown, secrets: readonly string[]): { text: string; exitCode: number } {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0]?.trim() || 'unknown error';
  return {
    text: redactSecrets(firstLine, secrets),
    exitCode: isImagineError(error) && error.code === 'config' ? 2 : 1,
  };
}

/**
 * `imagine-bot start` (`npm start`): every front end whose credentials are set, sharing one app. With none set,
 * the terminal chat when there is a terminal, else a note naming the variables (exit 2). All or nothing: when one
 * front end cannot start, every other is stopped, the app closed, and each failure named in one line.
 */
export async function runStart(
  argv: readonly string[],
  io: CliIo,
  terminal: Terminal = processTerminal(),
  list: readonly FrontEnd[] = frontEnds,
): Promise<number> {
  const { runWorker } = readStartArguments(argv);
  // Credentials may sit in .env: read it before asking who is configured (variables already set win).
  if (io.env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const wanted = list.filter((frontEnd) => frontEnd.credentials.some((name) => isSet(io.env, name)));
  if (wanted.length === 0) {
    if (terminal.stdinIsTty && terminal.stdoutIsTty) {
      io.stdout('No Discord or Slack credentials are set: starting the terminal chat.\n');
      return runChat([], io, terminal);
    }
    io.stderr(noFrontEndText(list));
    return 2;
  }
  // Half-set credentials stop here, naming the missing variable, before anything starts.
  const config = loadConfig(io.env);
  const secrets = configSecrets(config);
  const logger = createLogger({
    level: config.logLevel,
    format: chooseLogFormat(config.logFormat, io.logIsTerminal ?? false),
    secrets,
    sink: io.log,
  });
  if (!runWorker) checkSharedQueue(config, 'imagine-bot start --no-worker');
  const stopWatching = logUnhandledRejections(logger);
  try {
    return await serve(config, logger, io, runWorker, list);
  } finally {
    stopWatching();
  }
}

async function serve(
  config: Config,
  logger: Logger,
  io: CliIo,
  runWorker: boolean,
  list: readonly FrontEnd[],
): Promise<number> {
  const secrets = configSecrets(config);
  // Durable jobs: kept in the store (embedded) or on BullMQ (redis://), resumed after a crash or a deploy.
  const app = await createApp(config, { logger, jobs: 'durable', runWorker, metrics: true });
  logger.info('stores ready', storeKinds(config));
  const configured = list.filter((frontEnd) => frontEnd.isConfigured(config));
  // Not ready until each front end has connected and put its own check in place of this one.
  for (const frontEnd of configured) app.readiness.add(frontEnd.name.toLowerCase(), () => 'starting');
  const operator = await startOperatorEndpoints(app, config, logger);
  const board = await startBoardForApp(app, config, logger).catch(async (error: unknown) => {
    await operator.close();
    await app.close();
    throw error;
  });
  const outcomes = await Promise.allSettled(configured.map((frontEnd) => frontEnd.start(app, config)));
  const running = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failures = outcomes.flatMap((outcome, index) =>
    outcome.status === 'rejected' ? [{ name: configured[index]?.name, error: outcome.reason }] : [],
  );
  if (failures.length > 0) {
    await stopAll(running, app, logger);
    await operator.close();
    await board?.close();
    let exitCode = 1;
    for (const { name, error } of failures) {
      logger.debug(`${name} failed to start`, { error });
      const failure = describeFailure(error, secrets);
      logger.error(`${name} failed to start`, { frontEnd: name, reason: failure.text });
      io.stderr(`error: ${name} failed to start: ${failure.text}\n`);
      exitCode = Math.max(exitCode, failure.exitCode);
    }
    return exitCode;
  }
  // Listening before the last stop's jobs are picked up (which may take a while): a SIGTERM meanwhile then stops
  // the bot as it should, instead of ending the process on the spot.
  const interrupted = untilInterrupted(io);
  for (const frontEnd of running) io.stdout(`${frontEnd.readyText} Ctrl-C stops it.\n`);
  const recovered = await app.recover();
  if (recovered.resumed + recovered.finished + recovered.failed > 0) {
    logger.info('jobs interrupted by the last stop were picked up', recovered);
  }
  await interrupted;
  await board?.close();
  await stopAll(running, app, logger, config.shutdownGraceMs);
  await operator.close();
  return 0;
}
