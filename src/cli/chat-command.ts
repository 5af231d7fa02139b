import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { osUserName, runConsoleChat } from '../bots/console/index.js';
import { type Config, configSecrets, loadConfig } from '../config.js';
import { ImagineError, invalidOption, isImagineError } from '../core/errors.js';
import { chooseLogFormat, createLogger } from '../core/logger.js';
import type { CliIo } from './io.js';
import { processTerminal, type Terminal } from './terminal.js';

export const chatUsage = `Usage: imagine-bot chat [--out DIR]

A chat in the terminal: each line is a message in one thread. The first line makes an image, the next ones edit it.
  --out DIR    where the images go (default ./out)
Needs IMAGE_API_KEY (and IMAGE_API_BASE_URL for another gateway); to try it with no key: npm run demo
`;

/** `--out DIR` (and `--help`), shared by `chat` and `demo`. */
export function parseChatArgs(argv: readonly string[], command: string): { outDir: string; help: boolean } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string', default: 'out' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    return { outDir: values.out, help: values.help ?? false };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'bad arguments';
    throw invalidOption(
      'arguments',
      `${reason.replace(/\.$/, '')}. Usage: imagine-bot ${command} [--out DIR]`,
    );
  }
}

/**
 * Runs the chat against `config` until the user leaves, then closes the app (runner, client, store). Every failure
 * the user needs is a reply already, so logs (stderr) default to `error` unless LOG_LEVEL asks for more.
 */
export async function chatWithConfig(
  config: Config,
  env: NodeJS.ProcessEnv,
  io: CliIo,
  terminal: Terminal,
  outDir: string,
): Promise<number> {
  const level = env.LOG_LEVEL?.trim() ? config.logLevel : 'error';
  const logger = createLogger({
    level,
    format: chooseLogFormat(config.logFormat, io.logIsTerminal ?? false),
    secrets: configSecrets(config),
    sink: io.log,
  });
  const app = await createApp(config, { logger });
  // With BOARD_SECRET and BOARD_PORT, the chat's /board link is served from here (loaded only then: sharp).
  const board =
    config.board.secret !== undefined && config.board.port !== undefined
      ? await (await import('../board/board-for-app.js')).startBoardForApp(app, config, logger)
      : undefined;
  try {
    await runConsoleChat({
      brain: app.brain,
      outDir,
      userName: osUserName(env),
      input: terminal.input,
      output: terminal.output,
      stdinIsTty: terminal.stdinIsTty,
      stdoutIsTty: terminal.stdoutIsTty,
      write: io.stdout,
      onInterrupt: io.onInterrupt,
    });
  } finally {
    await board?.close();
    await app.close();
  }
  return 0;
}

/** `imagine-bot chat [--out DIR]`. */
export async function runChat(
  argv: readonly string[],
  io: CliIo,
  terminal: Terminal = processTerminal(),
): Promise<number> {
  const args = parseChatArgs(argv, 'chat');
  if (args.help) {
    io.stdout(chatUsage);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    // The demo needs no key; it does not help with any other variable.
    if (!isImagineError(error) || error.option !== 'IMAGE_API_KEY') throw error;
    throw new ImagineError('config', `${error.message} To try the chat with no key: npm run demo`, {
      option: error.option,
    });
  }
  return chatWithConfig(config, io.env, io, terminal, args.outDir);
}
