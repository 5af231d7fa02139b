/**
 * Big images without stalls: 20 signed `/imagine` at once against the bot (Slack HTTP mode, fake Slack), each
 * answered by the fake image API with a 4096×4096 PNG (≈ 45 MiB, ≈ 60 MiB as base64) — on the default SQLite
 * store (files for the images) and on Redis. Per run: the bot's longest event-loop stall, seen from outside (a
 * probe request every 50 ms, its delay to the answer's headers) and from inside (`monitorEventLoopDelay`), and
 * its peak RSS over its RSS before the burst, against the bytes of the images in flight. Each probe goes at the
 * same instant to a control (probe-control.ts: a bare server in its own process), whose delays are the machine's
 * and the probing process's own, shown beside the bot's.
 * Each contender runs in fresh processes (bot, fakes) per round, alternating who goes first.
 * `npm run bench -- big-images [--rounds N] [--jobs N] [--redis-url URL]`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { removeRedisNamespace } from '../test/core/store/redis-namespace.js';
import { median, stolenCpuMs, waitForMessage, writeBenchResults } from './bench-support.js';
import {
  bigBotReadySchema,
  loopReportSchema,
  type StoreKind,
  startedSchema,
  storeKinds,
} from './big-images-contender.js';
import { bigFakesReadySchema, servingBigSchema, sharedSchema } from './big-images-fakes.js';
import { burst, fakeFaults, signedCommand } from './drive-bot.js';
import { controlReadySchema } from './probe-control.js';
import { benchEnv, benchExecArgv } from './start-flags.js';

const childTimeoutMs = 60_000;
const jobsTimeoutMs = 180_000;
const probeEveryMs = 50;
const warmUpJobs = 3;
/** The fake holds each answer this long, so the 20 jobs are all waiting when the images start to arrive. */
const generationMs = 1000;
const targetStallMs = 100;
const targetRssPerByteInFlight = 2;
const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const fakesFile = fileURLToPath(new URL('./big-images-fakes.ts', import.meta.url));
const contenderFile = fileURLToPath(new URL('./big-images-contender.ts', import.meta.url));
const controlFile = fileURLToPath(new URL('./probe-control.ts', import.meta.url));

interface RoundResult {
  store: StoreKind;
  round: number;
  /** The longest delay of a probe request's answer. */
  probeMaxMs: number;
  /** The longest delay of the same probes to the control (a bare server in its own process). */
  controlMaxMs: number;
  /** The most a probe to the bot took beyond the control's probe of the same instant. */
  probeExcessMs: number;
  /** CPU time the hypervisor took from the machine's cores during the burst, and the most between two probes. */
  stolenMs: number;
  stolenMostMs: number;
  loopMaxMs: number;
  loopP99Ms: number;
  baseRssBytes: number;
  peakRssBytes: number;
  bytesInFlight: number;
  /** (peak − base) ÷ (2 × bytes in flight): ≤ 1 meets the target. */
  rssRatio: number;
  /** max(probe, loop) ÷ 100 ms: < 1 meets the target. */
  stallRatio: number;
  wallMs: number;
}

interface Options {
  jobs: number;
  redisUrl: string;
}

function forkBench(file: string, args: string[], stdout: 'ignore' | 'inherit'): ChildProcess {
  return fork(file, args, {
    cwd: rootDirectory,
    execArgv: benchExecArgv(file === contenderFile),
    env: benchEnv(file === contenderFile),
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
}

/**
 * Sends a probe every 50 ms until stopped, each on its own, to every url at the same instant. Returns each url's
 * longest delay to its headers, the delays of every instant (one per url, in order), and the CPU time the
 * hypervisor stole meanwhile (in all, and the most between two probes).
 */
function startProbes(dispatcher: Agent, urls: readonly string[]) {
  const instants: number[][] = [];
  const pending = new Set<Promise<void>>();
  const stolenAtStart = stolenCpuMs() ?? 0;
  let stolenBefore = stolenAtStart;
  let stolenMostMs = 0;
  const probe = () => {
    const stolen = stolenCpuMs() ?? 0;
    stolenMostMs = Math.max(stolenMostMs, stolen - stolenBefore);
    stolenBefore = stolen;
    const sentAt = performance.now();
    const delays = urls.map(() => Number.NaN);
    instants.push(delays);
    urls.forEach((url, index) => {
      const done = request(url, { dispatcher })
        .then(async (answer) => {
          delays[index] = performance.now() - sentAt;
          await answer.body.dump();
        })
        .finally(() => pending.delete(done));
      pending.add(done);
    });
  };
  const timer = setInterval(probe, probeEveryMs);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
    const longest = urls.map((_url, index) => Math.max(0, ...instants.map((delays) => delays[index] ?? 0)));
    return { longest, instants, stolenMs: (stolenCpuMs() ?? 0) - stolenAtStart, stolenMostMs };
  };
}

/** The most the first url's probe took beyond the second's sent at the same instant. */
function longestExcess(instants: readonly number[][]): number {
  return Math.max(0, ...instants.map(([bot = 0, control = 0]) => bot - control));
}

async function measure(store: StoreKind, round: number, options: Options): Promise<RoundResult> {
  const fakesProcess = forkBench(fakesFile, [], 'inherit');
  const controlProcess = forkBench(controlFile, [], 'ignore');
  const dataDirectory = mkdtempSync(join(tmpdir(), 'imagine-big-bench-'));
  const namespace = `imagine-big-bench-${randomBytes(6).toString('hex')}`;
  const dispatcher = new Agent({ connections: null });
  let bot: ChildProcess | undefined;
  try {
    const fakes = await waitForMessage(fakesProcess, bigFakesReadySchema, 'the fakes', childTimeoutMs);
    const control = await waitForMessage(controlProcess, controlReadySchema, 'the control', childTimeoutMs);
    bot = forkBench(
      contenderFile,
      [
        ...['--store', store, '--concurrency', String(options.jobs)],
        ...['--slack-url', fakes.slackUrl, '--bot-token', fakes.botToken, '--images-url', fakes.imagesUrl],
        ...['--data-dir', dataDirectory, '--redis-url', options.redisUrl, '--namespace', namespace],
      ],
      'ignore',
    );
    const { port } = await waitForMessage(bot, bigBotReadySchema, `the ${store} bot`, childTimeoutMs);
    const url = `http://127.0.0.1:${port}/slack/events`;
    // Warm up the whole path (ack, job, client, stores, upload) with a few jobs answered with small images.
    const warmUp = Array.from({ length: warmUpJobs }, () => signedCommand(fakes.slackUrl, 'warm up'));
    await burst(dispatcher, url, warmUp);
    fakesProcess.send({ type: 'await-shared', count: warmUpJobs, timeoutMs: childTimeoutMs });
    await waitForMessage(fakesProcess, sharedSchema, 'the fakes', childTimeoutMs + 10_000);
    await sleep(500);
    fakesProcess.send({ type: 'serve-big' });
    await waitForMessage(fakesProcess, servingBigSchema, 'the fakes', childTimeoutMs);
    await fakeFaults(dispatcher, fakes.imagesUrl, 'POST', {
      kind: 'latency',
      ms: generationMs,
      times: options.jobs,
    });
    bot.send({ type: 'start' });
    const { baseRssBytes } = await waitForMessage(bot, startedSchema, `the ${store} bot`, childTimeoutMs);
    const startedAt = performance.now();
    const stopProbes = startProbes(dispatcher, [
      `http://127.0.0.1:${port}/probe`,
      `http://127.0.0.1:${control.port}/probe`,
    ]);
    const commands = Array.from({ length: options.jobs }, () => signedCommand(fakes.slackUrl, 'a big fox'));
    const acks = await burst(dispatcher, url, commands);
    fakesProcess.send({ type: 'await-shared', count: warmUpJobs + options.jobs, timeoutMs: jobsTimeoutMs });
    const shared = await waitForMessage(fakesProcess, sharedSchema, 'the fakes', jobsTimeoutMs + 10_000);
    const wallMs = performance.now() - startedAt;
    const probes = await stopProbes();
    const [probeMaxMs = 0, controlMaxMs = 0] = probes.longest;
    const probeExcessMs = longestExcess(probes.instants);
    if (acks.failures > 0 || shared.count < warmUpJobs + options.jobs) {
      throw new Error(
        `${store}: ${acks.failures} failed acks, ${shared.count - warmUpJobs} of ${options.jobs} images posted; last messages: ${shared.lastTexts.join(' | ')}`,
      );
    }
    bot.send({ type: 'report' });
    const report = await waitForMessage(bot, loopReportSchema, `the ${store} bot`, childTimeoutMs);
    const bytesInFlight = options.jobs * fakes.imageBytes;
    return {
      store,
      round,
      probeMaxMs,
      controlMaxMs,
      probeExcessMs,
      stolenMs: probes.stolenMs,
      stolenMostMs: probes.stolenMostMs,
      loopMaxMs: report.loopMaxMs,
      loopP99Ms: report.loopP99Ms,
      baseRssBytes,
      peakRssBytes: report.peakRssBytes,
      bytesInFlight,
      rssRatio: (report.peakRssBytes - baseRssBytes) / (targetRssPerByteInFlight * bytesInFlight),
      stallRatio: Math.max(probeMaxMs, report.loopMaxMs) / targetStallMs,
      wallMs,
    };
  } finally {
    bot?.kill();
    fakesProcess.kill();
    controlProcess.kill();
    await dispatcher.close();
    rmSync(dataDirectory, { recursive: true, force: true });
    if (store === 'redis') await removeRedisNamespace(options.redisUrl, namespace);
  }
}

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(0);

function summaryTable(results: readonly RoundResult[], rounds: number, options: Options): string {
  const imageBytes = (results[0]?.bytesInFlight ?? 0) / options.jobs;
  const row = (store: StoreKind) => {
    const mine = results.filter((result) => result.store === store);
    const stalls = mine.map((r) => Math.max(r.probeMaxMs, r.loopMaxMs));
    const cells = [
      store,
      median(mine.map((r) => r.probeMaxMs)).toFixed(0),
      `${median(mine.map((r) => r.controlMaxMs)).toFixed(0)} / ${Math.max(...mine.map((r) => r.controlMaxMs)).toFixed(0)}`,
      `${median(mine.map((r) => r.probeExcessMs)).toFixed(0)} / ${Math.max(...mine.map((r) => r.probeExcessMs)).toFixed(0)}`,
      `${median(mine.map((r) => r.stolenMs)).toFixed(0)} / ${Math.max(...mine.map((r) => r.stolenMostMs)).toFixed(0)}`,
      median(mine.map((r) => r.loopMaxMs)).toFixed(0),
      median(mine.map((r) => r.loopP99Ms)).toFixed(0),
      Math.max(...stalls).toFixed(0),
      (Math.max(...stalls) / targetStallMs).toFixed(2),
      megabytes(median(mine.map((r) => r.baseRssBytes))),
      megabytes(median(mine.map((r) => r.peakRssBytes))),
      median(mine.map((r) => r.rssRatio)).toFixed(2),
      Math.max(...mine.map((r) => r.rssRatio)).toFixed(2),
      (median(mine.map((r) => r.wallMs)) / 1000).toFixed(1),
    ];
    return `| ${cells.join(' | ')} |`;
  };
  const verdict = (store: StoreKind) => {
    const mine = results.filter((result) => result.store === store);
    const stall = Math.max(...mine.map((r) => r.stallRatio)) < 1;
    const rss = Math.max(...mine.map((r) => r.rssRatio)) <= 1;
    return `${store}: stall ${stall ? 'met' : 'MISSED'}, RSS ${rss ? 'met' : 'MISSED'}`;
  };
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return [
    `${options.jobs} jobs at once, each receiving a ${megabytes(imageBytes)} MiB 4096×4096 PNG as b64_json (${megabytes(options.jobs * imageBytes)} MiB in flight); ${rounds} rounds (fresh processes each), ${cpus().length} CPUs, load average ${one} ${five} ${fifteen}.`,
    '',
    '| store | probe max ms (median) | control probe max ms (median / worst) | bot probe beyond control at the same instant, max ms (median / worst) | CPU stolen by the hypervisor, ms: in the burst (median) / most between two probes (worst) | loop max ms (median) | loop p99 ms (median) | worst stall ms | worst ÷ 100 ms | base RSS MiB | peak RSS MiB | (peak − base) ÷ 2× in flight (median) | … (worst) | wall s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...storeKinds.map(row),
    '',
    `Targets (worst of ${rounds}): max stall < ${targetStallMs} ms, peak RSS ≤ base + ${targetRssPerByteInFlight}× the bytes in flight. ${storeKinds.map(verdict).join('; ')}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      jobs: { type: 'string', default: '20' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    },
  });
  const rounds = z.coerce.number().int().min(1).max(50).parse(values.rounds);
  const options: Options = {
    jobs: z.coerce.number().int().min(1).max(100).parse(values.jobs),
    redisUrl: z.string().url().parse(values['redis-url']),
  };
  const results: RoundResult[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? storeKinds : [...storeKinds].reverse();
    for (const store of order) {
      const result = await measure(store, round, options);
      console.error(
        `round ${round + 1} ${store}: stall probe ${result.probeMaxMs.toFixed(0)} ms (control ${result.controlMaxMs.toFixed(0)} ms; beyond the control at most ${result.probeExcessMs.toFixed(0)} ms; the hypervisor stole ${result.stolenMs.toFixed(0)} ms of CPU, at most ${result.stolenMostMs.toFixed(0)} ms between two probes), loop max ${result.loopMaxMs.toFixed(0)} ms (p99 ${result.loopP99Ms.toFixed(0)}), RSS ${megabytes(result.baseRssBytes)} → ${megabytes(result.peakRssBytes)} MiB (${result.rssRatio.toFixed(2)} of the allowance), ${(result.wallMs / 1000).toFixed(1)} s`,
      );
      results.push(result);
    }
  }
  console.log(summaryTable(results, rounds, options));
  writeBenchResults('big-images', { ...options, rounds, results });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
