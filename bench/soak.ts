/**
 * Fault soak: N jobs (default 1,000), half signed `/imagine` slash commands to the bot in Slack HTTP mode, half
 * `/imagine` interactions over the fake Discord gateway, to one `imagine-bot start` with both configured. The
 * fake image API fails ~20% of generations with every fault it knows (seeded chaos: 429 with Retry-After, 500,
 * 503, hangs ended by IMAGE_API_TIMEOUT_MS, malformed JSON, content policy, empty results, expired and non-image
 * URLs) and answers after a random 0.1–2 s; the fake Slack and Discord fail ~5% of Web API / REST calls with 429s
 * and 5xx. Counted at the fakes: jobs ending in an image, in an error reply, with no answer; duplicate posts;
 * progress left over a result; upstream calls per job. Counted in the bot's log: unhandled rejections. Each
 * process on its own (bot, platforms, image API). `npm run bench -- soak [--jobs N] [--seed S] …`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { freePort } from '../test/cli/start-support.js';
import { signature, slashCommandBody } from '../test/fakes/slack/slack-requests.js';
import { benchSigningSecret } from './ack-contender.js';
import { waitForMessage, writeBenchResults } from './bench-support.js';
import { startSoakBot } from './soak-bot.js';
import {
  chaosSetSchema,
  countedSchema,
  type FakesRequest,
  gatewayConnectedSchema,
  imagesReadySchema,
  platformsReadySchema,
  reportSchema,
  slackJobOf,
} from './soak-fakes.js';
import { compareMetrics } from './soak-metrics.js';
import { soakChannel } from './soak-outcomes.js';
import { summarize } from './soak-summary.js';

const childTimeoutMs = 60_000;
const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const fakesFile = fileURLToPath(new URL('./soak-fakes.ts', import.meta.url));
const recordedSchema = z.array(
  z.object({
    method: z.string(),
    path: z.string(),
    body: z.unknown().optional(),
    fault: z.string().optional(),
  }),
);

export interface SoakOptions {
  jobs: number;
  seed: number;
  imageFaultRate: number;
  platformFaultRate: number;
  perSecond: number;
  concurrency: number;
  timeoutMs: number;
  /** The fake image API answers after 100 ms to this. */
  latencyMaxMs: number;
  /** Give up waiting once no job has been answered for this long. */
  quietMs: number;
}

function forkFakes(role: 'platforms' | 'images'): ChildProcess {
  return fork(fakesFile, ['--role', role], {
    cwd: rootDirectory,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

const tagOf = (platform: 'slack' | 'discord', index: number) =>
  `${platform}-${String(index).padStart(4, '0')}`;

async function sendSlackCommand(dispatcher: Agent, url: string, slackUrl: string, tag: string) {
  const job = slackJobOf(tag, slackUrl);
  const body = slashCommandBody({
    text: `${tag} a lighthouse at dusk`,
    user: job.user,
    channel: soakChannel,
    responseUrl: job.responseUrl,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const answer = await request(url, {
    method: 'POST',
    dispatcher,
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(benchSigningSecret, timestamp, body),
    },
  });
  const text = await answer.body.text();
  return answer.statusCode === 200 && text.includes('Queued');
}

async function imageApiRecords(dispatcher: Agent, imagesUrl: string) {
  const answer = await request(`${imagesUrl}/_fake/requests`, { dispatcher });
  return recordedSchema.parse(await answer.body.json());
}

async function run(options: SoakOptions) {
  const platforms = forkFakes('platforms');
  const images = forkFakes('images');
  const dataDirectory = mkdtempSync(join(tmpdir(), 'imagine-soak-'));
  const dispatcher = new Agent({ connections: 64 });
  const ask = (message: FakesRequest) => platforms.send(message);
  let bot: ReturnType<typeof startSoakBot> | undefined;
  try {
    const fakes = await waitForMessage(platforms, platformsReadySchema, 'the platforms', childTimeoutMs);
    const { imagesUrl } = await waitForMessage(images, imagesReadySchema, 'the image API', childTimeoutMs);
    const [slackPort, metricsPort] = [await freePort(), await freePort()];
    bot = startSoakBot({ dataDirectory, ...fakes, imagesUrl, slackPort, metricsPort, ...options });
    const connected = waitForMessage(platforms, gatewayConnectedSchema, 'the gateway', childTimeoutMs);
    ask({ type: 'await-gateway' });
    await Promise.all([connected, bot.ready]);

    const chaos = { rate: options.platformFaultRate, seed: options.seed, retryAfterSeconds: 1 };
    const chaosSet = waitForMessage(platforms, chaosSetSchema, 'the platforms', childTimeoutMs);
    ask({ type: 'chaos', chaos });
    await chaosSet;
    const imageChaos = await request(`${imagesUrl}/_fake/chaos`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rate: options.imageFaultRate,
        seed: options.seed,
        retryAfterSeconds: 1,
        // Below the timeout: only hangs time out.
        latencyMs: { min: 100, max: options.latencyMaxMs },
      }),
    });
    await imageChaos.body.dump();

    const startedAt = performance.now();
    const slackUrl = `http://127.0.0.1:${slackPort}/slack/events`;
    const acks: Promise<boolean>[] = [];
    for (let index = 0; index < options.jobs; index += 1) {
      const number = Math.floor(index / 2) + 1;
      if (index % 2 === 0) {
        const tag = tagOf('slack', number);
        ask({ type: 'slack-command', tag });
        acks.push(sendSlackCommand(dispatcher, slackUrl, fakes.slackUrl, tag).catch(() => false));
      } else {
        const tag = tagOf('discord', number);
        const userId = `1450000000${String(number).padStart(8, '0')}`;
        ask({ type: 'discord-command', tag, prompt: `${tag} a lighthouse at dusk`, userId });
      }
      await sleep(1000 / options.perSecond);
    }
    const failedAcks = (await Promise.all(acks)).filter((ok) => !ok).length;
    const sentMs = performance.now() - startedAt;

    // Until every job is answered (then a little longer, for late duplicates) or nothing moves for quietMs.
    let answered = 0;
    let movedAt = performance.now();
    while (answered < options.jobs && performance.now() - movedAt < options.quietMs) {
      await sleep(2000);
      const counted = waitForMessage(platforms, countedSchema, 'the platforms', childTimeoutMs);
      ask({ type: 'count' });
      const now = (await counted).answered;
      if (now !== answered) movedAt = performance.now();
      answered = now;
      if (bot.child.exitCode !== null) break;
    }
    const answeredMs = performance.now() - startedAt;
    await sleep(5000);

    const reported = waitForMessage(platforms, reportSchema, 'the platforms', childTimeoutMs);
    ask({ type: 'report' });
    const report = await reported;
    const upstream = await imageApiRecords(dispatcher, imagesUrl);
    const generations = upstream.filter((entry) => entry.path.startsWith('/v1/images/generations'));
    const metrics = await compareMetrics(metricsPort, {
      images: report.jobs.filter((job) => job.outcome === 'image').length,
      messages: report.jobs.filter((job) => job.outcome === 'message').length,
      unanswered: report.jobs.filter((job) => job.outcome === 'none').length,
      upstreamCalls: generations.length,
    });
    const crashed = bot.child.exitCode !== null;
    const exit = await bot.stop(15_000);
    return {
      report,
      upstream,
      failedAcks,
      sentMs,
      answeredMs,
      metrics,
      crashed,
      exit,
      unhandledRejections: bot.unhandledRejections(),
      logCounts: bot.logCounts(),
      logSamples: bot.logSamples(),
      otherOutput: bot.otherOutput(),
    };
  } finally {
    await bot?.stop(5000);
    platforms.kill();
    images.kill();
    await dispatcher.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}
export type SoakRun = Awaited<ReturnType<typeof run>>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '13' },
      'image-fault-rate': { type: 'string', default: '0.2' },
      'platform-fault-rate': { type: 'string', default: '0.05' },
      'per-second': { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '16' },
      'timeout-ms': { type: 'string', default: '3000' },
      'latency-max-ms': { type: 'string', default: '2000' },
      'quiet-s': { type: 'string', default: '120' },
    },
  });
  const rate = z.coerce.number().min(0).max(1);
  const options: SoakOptions = {
    jobs: z.coerce.number().int().min(2).max(10_000).parse(values.jobs),
    seed: z.coerce.number().int().parse(values.seed),
    imageFaultRate: rate.parse(values['image-fault-rate']),
    platformFaultRate: rate.parse(values['platform-fault-rate']),
    perSecond: z.coerce.number().positive().parse(values['per-second']),
    concurrency: z.coerce.number().int().min(1).parse(values.concurrency),
    timeoutMs: z.coerce.number().int().min(1000).parse(values['timeout-ms']),
    latencyMaxMs: z.coerce.number().int().min(100).parse(values['latency-max-ms']),
    quietMs: z.coerce.number().positive().parse(values['quiet-s']) * 1000,
  };
  const loadBefore = loadavg();
  const result = await run(options);
  const { text, figures } = summarize(options, result, {
    before: loadBefore,
    after: loadavg(),
    cpus: cpus().length,
  });
  console.log(text);
  writeBenchResults('soak', {
    ...options,
    ...figures,
    logCounts: result.logCounts,
    logSamples: result.logSamples,
  });
  if (!figures.met) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
