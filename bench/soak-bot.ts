/**
 * The soak's bot: `imagine-bot start` as npm start runs it (bin/imagine-bot.js with its Node flags, a process of
 * its own), with Discord and Slack (HTTP mode) configured together against the fakes. Its log lines (JSON on
 * stderr) are kept and counted by message, so the bench can count unhandled rejections and see what went wrong.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { unhandledRejectionMessage } from '../src/cli/unhandled-rejections.js';
import { applicationId } from '../test/fakes/discord/index.js';
import { benchSigningSecret } from './ack-contender.js';
import { benchImageKey } from './ack-fakes.js';
import { startEnvironment, startNodeFlags } from './start-flags.js';

const bin = fileURLToPath(new URL('../bin/imagine-bot.js', import.meta.url));
const readyTexts = ['Discord bot connected.', 'Slack bot running'];
export const soakDiscordToken = 'discord-token-soak-2f7c19';

export interface SoakBotOptions {
  dataDirectory: string;
  slackUrl: string;
  slackBotToken: string;
  discordApiUrl: string;
  imagesUrl: string;
  slackPort: number;
  metricsPort: number;
  concurrency: number;
  timeoutMs: number;
}

export interface SoakBot {
  child: ChildProcess;
  ready: Promise<void>;
  /** Log lines by level and message (`warn could not post a job reply`: 3). */
  logCounts(): Record<string, number>;
  /** The first few whole lines of each warning and error, to see why. */
  logSamples(): Record<string, string[]>;
  unhandledRejections(): number;
  /** The first lines of stderr that are not JSON log lines (a crash's stack). */
  otherOutput(): string[];
  /** SIGTERM, then the exit code (or the signal) once it has stopped. */
  stop(timeoutMs: number): Promise<string>;
}

const logLineSchema = z.object({ level: z.string(), msg: z.string() });

export function startSoakBot(options: SoakBotOptions): SoakBot {
  const child = spawn(process.execPath, [...startNodeFlags(), bin, 'start'], {
    cwd: options.dataDirectory,
    // Only what is given: no credentials of the machine leak in.
    env: {
      ...startEnvironment(),
      PATH: process.env.PATH ?? '',
      IMAGE_API_BASE_URL: options.imagesUrl,
      IMAGE_API_KEY: benchImageKey,
      IMAGE_API_TIMEOUT_MS: String(options.timeoutMs),
      IMAGE_API_CONCURRENCY: String(options.concurrency),
      STORE_URL: `sqlite://${join(options.dataDirectory, 'soak.sqlite')}`,
      // Every job is its own user; the bot's own limits are not what is soaked.
      USER_RATE_LIMIT_PER_MINUTE: '0',
      USER_DAILY_QUOTA: '0',
      CHANNEL_DAILY_QUOTA: '0',
      DISCORD_TOKEN: soakDiscordToken,
      DISCORD_APPLICATION_ID: applicationId,
      DISCORD_API_URL: options.discordApiUrl,
      SLACK_BOT_TOKEN: options.slackBotToken,
      SLACK_SIGNING_SECRET: benchSigningSecret,
      SLACK_API_URL: `${options.slackUrl}/api`,
      PORT: String(options.slackPort),
      METRICS_PORT: String(options.metricsPort),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      SHUTDOWN_GRACE_MS: '5000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const counts: Record<string, number> = {};
  const samples: Record<string, string[]> = {};
  const other: string[] = [];
  let stdout = '';
  let partial = '';
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? String(code)));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (readyTexts.every((text) => stdout.includes(text))) resolve();
    });
    void exited.then((how) =>
      reject(new Error(`the bot exited (${how}) before it was ready:\n${other.join('\n')}`)),
    );
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      let parsed: z.infer<typeof logLineSchema> | undefined;
      try {
        parsed = logLineSchema.safeParse(JSON.parse(line)).data;
      } catch {}
      if (parsed === undefined) {
        if (other.length < 40) other.push(line);
        continue;
      }
      const key = `${parsed.level} ${parsed.msg}`;
      counts[key] = (counts[key] ?? 0) + 1;
      const kept = samples[key] ?? [];
      if (kept.length < 3) samples[key] = [...kept, line];
    }
  });
  return {
    child,
    ready,
    logCounts: () => ({ ...counts }),
    logSamples: () => ({ ...samples }),
    unhandledRejections: () => counts[`error ${unhandledRejectionMessage}`] ?? 0,
    otherOutput: () => [...other],
    async stop(timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
