import { existsSync } from 'node:fs';
import { createApp } from '../app.js';
import { configSecrets, loadConfig } from '../config.js';
import { invalidOption } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { runChat } from './chat-command.js';
import { type FrontEnd, frontEnds } from './front-ends.js';
import type { CliIo } from './io.js';
import { processTerminal, type Terminal } from './terminal.js';

export function noFrontEndText(list: readonly FrontEnd[]): string {
  const lines = list.map((frontEnd) => `  ${`${frontEnd.name}:`.padEnd(11)}${frontEnd.variables}`);
  return `No front end is configured. Set these in the environment or in .env, then start again:
${lines.join('\n')}
  ${'Image API:'.padEnd(11)}IMAGE_API_KEY (required) and IMAGE_API_BASE_URL (default https://console.mixroute.io)
To chat in a terminal instead: imagine-bot chat. To try the bot with no key at all: npm run demo
`;
}

/**
 * `imagine-bot start` (`npm start`): every front end whose credentials are set, sharing one app. With none set,
 * the terminal chat when there is a terminal, else a note naming the variables (exit 2).
 */
export async function runStart(
  argv: readonly string[],
  io: CliIo,
  terminal: Terminal = processTerminal(),
  list: readonly FrontEnd[] = frontEnds,
): Promise<number> {
  if (argv.length > 0) throw invalidOption('arguments', 'imagine-bot start takes no arguments.');
  // Credentials may sit in .env: read it before asking who is configured (variables already set win).
  if (io.env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const configured = list.filter((frontEnd) => frontEnd.isConfigured(io.env));
  if (configured.length === 0) {
    if (terminal.stdinIsTty && terminal.stdoutIsTty) {
      io.stdout('No Discord or Slack credentials are set: starting the terminal chat.\n');
      return runChat([], io, terminal);
    }
    io.stderr(noFrontEndText(list));
    return 2;
  }
  for (const frontEnd of configured) {
    if (!frontEnd.run) io.stderr(`${frontEnd.name} is configured, but its front end is not built yet.\n`);
  }
  const runnable = configured.filter((frontEnd) => frontEnd.run !== undefined);
  if (runnable.length === 0) return 1;
  const config = loadConfig(io.env);
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), sink: io.log });
  const app = await createApp(config, { logger });
  try {
    const codes = await Promise.all(runnable.map((frontEnd) => frontEnd.run?.(app, config, io) ?? 1));
    return Math.max(0, ...codes);
  } finally {
    await app.close();
  }
}
