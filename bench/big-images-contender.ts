/**
 * The bot of the big-images bench, alone in a fresh process (forked by big-images.ts): createApp + startSlackBot
 * as `npm start` runs them (HTTP mode), with IMAGE_API_CONCURRENCY 20, on the default SQLite store with its
 * file image store, or on Redis under a namespace of its own. It measures itself: `monitorEventLoopDelay` and
 * the kernel's peak RSS. IPC: ready → `start` (resets the measures, answers the base RSS) → `report` (with the CPU
 * time since `start`).
 */
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createApp } from '../src/app.js';
import { startSlackBot } from '../src/bots/slack/index.js';
import { parseConfig } from '../src/config.js';
import { createImageStore, createStore } from '../src/core/store/index.js';
import { benchSigningSecret } from './ack-contender.js';
import { benchImageKey } from './ack-fakes.js';
import { profileUntilKilled } from './bench-support.js';
import { traceImageCalls } from './call-trace.js';

export const storeKinds = ['sqlite', 'redis'] as const;
export type StoreKind = (typeof storeKinds)[number];
export const bigBotReadySchema = z.object({ type: z.literal('ready'), port: z.number().int() });
export const startedSchema = z.object({ type: z.literal('started'), baseRssBytes: z.number() });
export const loopReportSchema = z.object({
  type: z.literal('report'),
  loopMaxMs: z.number(),
  loopP99Ms: z.number(),
  /** The kernel's high-water mark (getrusage ru_maxrss): no sampling gap can miss the peak. */
  peakRssBytes: z.number(),
  /** The process's CPU time (user + system, every thread) since `start`. */
  cpuMs: z.number(),
});

const argsSchema = z.object({
  store: z.enum(storeKinds),
  'slack-url': z.string().url(),
  'bot-token': z.string().min(1),
  'images-url': z.string().url(),
  /** sqlite: the folder for the database and the image files. */
  'data-dir': z.string().min(1),
  /** redis: the server and this run's key prefix. */
  'redis-url': z.string().optional(),
  namespace: z.string().optional(),
  concurrency: z.coerce.number().int().min(1),
});
type Args = z.infer<typeof argsSchema>;

async function startBot(args: Args): Promise<number> {
  const redisUrl = args['redis-url'] ?? 'redis://127.0.0.1:6379';
  const namespace = args.namespace ?? 'imagine-bench';
  const stores =
    args.store === 'sqlite'
      ? {
          STORE_URL: `sqlite://${join(args['data-dir'], 'bench.sqlite')}`,
          IMAGE_STORE_URL: `file://${join(args['data-dir'], 'images')}`,
        }
      : { STORE_URL: redisUrl, STORE_NAMESPACE: namespace };
  const config = parseConfig({
    IMAGE_API_BASE_URL: args['images-url'],
    IMAGE_API_KEY: benchImageKey,
    IMAGE_API_CONCURRENCY: String(args.concurrency),
    ...stores,
    SLACK_BOT_TOKEN: args['bot-token'],
    SLACK_SIGNING_SECRET: benchSigningSecret,
    SLACK_API_URL: `${args['slack-url']}/api`,
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  // Redis: the same stores createApp would open, under this run's namespace so the parent can remove it.
  const overrides =
    args.store === 'redis'
      ? {
          store: await createStore(redisUrl, { namespace }),
          imageStore: await createImageStore(redisUrl, { namespace }),
        }
      : {};
  // Durable jobs, as `imagine-bot start` runs them: the journal in SQLite, or BullMQ on Redis.
  const app = await createApp(config, { ...overrides, jobs: 'durable' });
  const bot = await startSlackBot({ app, config, host: '127.0.0.1' });
  await app.recover();
  const address = bot.server?.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** `BENCH_GC_LOG_MS=20`: every GC pause at least that long, on stderr (kind and duration). */
function logLongGcPauses(thresholdMs: number): void {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < thresholdMs) continue;
      const detail = z
        .object({ kind: z.number() })
        .safeParse('detail' in entry ? entry.detail : undefined).data;
      console.error(`gc kind ${detail?.kind ?? '?'}: ${entry.duration.toFixed(1)} ms`);
    }
  }).observe({ entryTypes: ['gc'] });
}

/**
 * `BENCH_STALL_LOG_MS=50`: each time a 5 ms timer fires that much late, on stderr, with the monotonic time in µs
 * at which the stall began (the clock of the CPU profile's timestamps), to find the stall in the profile.
 */
function logStalls(thresholdMs: number): void {
  let last = process.hrtime.bigint();
  setInterval(() => {
    const now = process.hrtime.bigint();
    const gapMs = Number(now - last) / 1e6 - 5;
    if (gapMs >= thresholdMs)
      console.error(`stall ${gapMs.toFixed(0)} ms from ${(last / 1000n).toString()} µs`);
    last = now;
  }, 5).unref();
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string' },
      'slack-url': { type: 'string' },
      'bot-token': { type: 'string' },
      'images-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'redis-url': { type: 'string' },
      namespace: { type: 'string' },
      concurrency: { type: 'string', default: '20' },
    },
  });
  const port = await startBot(argsSchema.parse(values));
  const profileDirectory = process.env.BENCH_CPU_PROFILE_DIR;
  if (profileDirectory !== undefined && profileDirectory !== '') profileUntilKilled(profileDirectory);
  if (process.env.BENCH_CPU_LOG) {
    // The bot's own CPU time from ready to kill: unlike wall times, barely moved by a loaded machine.
    const readyCpu = process.cpuUsage();
    process.once('SIGTERM', () => {
      console.error(`bot CPU since ready: ${cpuMsSince(readyCpu).toFixed(0)} ms`);
      if (profileDirectory === undefined || profileDirectory === '') process.exit(0);
    });
  }
  if (process.env.BENCH_CALL_TRACE === '1') traceImageCalls(argsSchema.parse(values).concurrency);
  const stallLogMs = Number(process.env.BENCH_STALL_LOG_MS);
  if (Number.isFinite(stallLogMs) && stallLogMs > 0) logStalls(stallLogMs);
  const gcLogMs = Number(process.env.BENCH_GC_LOG_MS);
  if (Number.isFinite(gcLogMs) && gcLogMs > 0) logLongGcPauses(gcLogMs);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpuAtStart = process.cpuUsage();
  process.on('message', (message: unknown) => {
    const type = z.object({ type: z.string() }).safeParse(message).data?.type;
    if (type === 'start') {
      loop.reset();
      cpuAtStart = process.cpuUsage();
      process.send?.({ type: 'started', baseRssBytes: process.memoryUsage.rss() });
    } else if (type === 'report') {
      process.send?.({
        type: 'report',
        loopMaxMs: loop.max / 1e6,
        loopP99Ms: loop.percentile(99) / 1e6,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        cpuMs: cpuMsSince(cpuAtStart),
      });
    }
  });
  process.send?.({ type: 'ready', port });
  // Killed by the parent once measured.
  process.once('disconnect', () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
