/**
 * One contender of the ack benchmark, alone in a fresh process (forked by ack.ts): `bot` is imagine-bot as
 * `npm start` runs it (createApp + startSlackBot, HTTP mode, the default SQLite store) against the fakes; `bare`
 * is a Bolt app whose `/imagine` listener only acks with the same note. Tells the parent its port, then waits.
 * `BENCH_CPU_PROFILE_DIR=…`: a CPU profile of each contender until it is killed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { App as BoltApp, HTTPReceiver, LogLevel } from '@slack/bolt';
import { z } from 'zod';
import { createApp } from '../src/app.js';
import { startSlackBot } from '../src/bots/slack/index.js';
import { parseConfig } from '../src/config.js';
import { benchImageKey } from './ack-fakes.js';
import { profileUntilKilled } from './bench-support.js';

export const ackContenders = ['bot', 'bare'] as const;
export type AckContender = (typeof ackContenders)[number];
export const benchSigningSecret = 'bench-signing-secret-51c2';
export const contenderReadySchema = z.object({ type: z.literal('ready'), port: z.number().int() });

const argsSchema = z.object({
  contender: z.enum(ackContenders),
  'slack-url': z.string().url(),
  'bot-token': z.string().min(1),
  'images-url': z.string().url(),
});

async function startBot(args: z.infer<typeof argsSchema>): Promise<number> {
  const data = mkdtempSync(join(tmpdir(), 'imagine-ack-bench-'));
  const config = parseConfig({
    IMAGE_API_BASE_URL: args['images-url'],
    IMAGE_API_KEY: benchImageKey,
    STORE_URL: `sqlite://${join(data, 'bench.sqlite')}`,
    SLACK_BOT_TOKEN: args['bot-token'],
    SLACK_SIGNING_SECRET: benchSigningSecret,
    SLACK_API_URL: `${args['slack-url']}/api`,
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  // Durable jobs, as `imagine-bot start` runs them (the journal in SQLite).
  const app = await createApp(config, { jobs: 'durable' });
  const bot = await startSlackBot({ app, config, host: '127.0.0.1' });
  await app.recover();
  const address = bot.server?.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function startBare(): Promise<number> {
  const receiver = new HTTPReceiver({ signingSecret: benchSigningSecret, logLevel: LogLevel.WARN });
  const bolt = new BoltApp({
    token: 'xoxb-bench',
    botId: 'B0BENCH',
    botUserId: 'U0BENCH',
    tokenVerificationEnabled: false,
    receiver,
    logLevel: LogLevel.WARN,
  });
  bolt.command('/imagine', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: '⏳ Queued…' });
  });
  const server = await bolt.start({ port: 0, host: '127.0.0.1' });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contender: { type: 'string' },
      'slack-url': { type: 'string' },
      'bot-token': { type: 'string' },
      'images-url': { type: 'string' },
    },
  });
  const args = argsSchema.parse(values);
  const port = args.contender === 'bot' ? await startBot(args) : await startBare();
  const profileDirectory = process.env.BENCH_CPU_PROFILE_DIR;
  if (profileDirectory !== undefined && profileDirectory !== '') profileUntilKilled(profileDirectory);
  process.send?.({ type: 'ready', port });
  // Killed by the parent once measured; the bot's jobs may still be running then.
  process.once('disconnect', () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
