/**
 * Throughput at IMAGE_API_CONCURRENCY=16: 200 signed `/imagine` at once against the bot (Slack HTTP mode, the
 * default SQLite store, fake Slack), the fake image API answering each generation after a fixed 200 ms. Measured
 * at the fake image API: from the first generation request's arrival to the last one's answer (its arrival + the
 * latency), against the least time 16 slots can take: ceil(200 ÷ 16) waves × 200 ms. The runner's per-job
 * overhead (store reads and writes, quotas, progress) shows as gaps between one call's end and the next call's
 * start in a slot. Side by side in each round, before the bot's burst: the baseline (throughput-baseline.ts), a
 * bare undici client sending the bot's own request through as many slots, measured the same way — what the
 * machine, the image API process and undici allow with no bot at all. Both start on one warm connection per slot
 * (`warmConnections`). Each round in fresh processes; the fake
 * image API has one of its own, apart from fake Slack. `npm run bench -- throughput [--rounds N] [--jobs N]`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { benchImageKey } from './ack-fakes.js';
import {
  busyShare,
  machineCpuMs,
  median,
  percentile,
  waitForMessage,
  writeBenchResults,
} from './bench-support.js';
import { bigBotReadySchema, loopReportSchema, startedSchema } from './big-images-contender.js';
import { bigFakesReadySchema, sharedSchema } from './big-images-fakes.js';
import { burst, fakeFaults, signedCommand } from './drive-bot.js';
import { leanReadySchema } from './lean-image-api.js';
import { benchEnv, benchExecArgv } from './start-flags.js';
import { baselineDoneSchema, baselineWarmSchema } from './throughput-baseline.js';

const childTimeoutMs = 60_000;
const targetRatio = 0.98;
const warmUpJobs = 4;
const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const fakesFile = fileURLToPath(new URL('./big-images-fakes.ts', import.meta.url));
const leanImageApiFile = fileURLToPath(new URL('./lean-image-api.ts', import.meta.url));
const imageApis = ['fake', 'lean'] as const;
const contenderFile = fileURLToPath(new URL('./big-images-contender.ts', import.meta.url));
const baselineFile = fileURLToPath(new URL('./throughput-baseline.ts', import.meta.url));
const recordedSchema = z.array(
  z.object({
    method: z.string(),
    path: z.string(),
    at: z.number(),
    /** When the answer was sent (epoch ms). */
    endedAt: z.number().optional(),
    body: z.unknown().optional(),
    /** The caller's port: one per connection. */
    remotePort: z.number().optional(),
  }),
);
type Recorded = z.infer<typeof recordedSchema>;

interface Options {
  /** fake: the project's fake image API; lean: its answer replayed by a bare server (see lean-image-api.ts). */
  imageApi: (typeof imageApis)[number];
  jobs: number;
  slots: number;
  latencyMs: number;
}

interface RoundResult {
  round: number;
  /** First generation request's arrival → last one's arrival + the latency. */
  windowMs: number;
  /** ceil(jobs ÷ slots) × latency. */
  idealMs: number;
  ratio: number;
  /** The bare client's window, measured the same way in the same round. */
  baselineWindowMs: number;
  /** ideal ÷ the bare client's window. */
  baselineRatio: number;
  /** The bare client's window ÷ the bot's: the bot's throughput as a share of the bare client's. */
  ofBaseline: number;
  /** Sending the commands → the fake Slack holding every image: acks, queueing and posting included. */
  endToEndMs: number;
  /** The image API's own time per call (arrival → answer sent), median of the bot's calls. */
  apiCallMs: number;
  /** ceil(jobs ÷ slots) × apiCallMs ÷ (first arrival → last answer sent): the ideal at the API's real pace. */
  ratioAtApiPace: number;
  /** The same for the baseline's calls. */
  baselineApiCallMs: number;
  baselineRatioAtApiPace: number;
  /** The bot's CPU time (every thread) from the commands sent to the last image posted, ÷ the jobs. */
  botCpuMsPerJob: number;
  /**
   * How far apart the first wave's calls arrived (first → slots-th arrival), and the second wave's: the bot starts
   * its first calls as it works through the burst of commands, and its second wave meets the rest of that work.
   */
  waveSpreadsMs: [number, number];
  baselineWaveSpreadsMs: [number, number];
  /** The client's turnaround seen at the API: an answer sent → the next call's arrival, median and p90. */
  hopMs: [number, number];
  baselineHopMs: [number, number];
  /** Connections the calls came on (distinct caller ports at the image API): the bot's burst; the baseline's. */
  connections: [number, number];
  /** Share of the machine's cores busy (every process) during the bot's burst, and during the baseline's. */
  machineBusy: number;
  baselineMachineBusy: number;
}

function forkBench(file: string, args: string[]): ChildProcess {
  return fork(file, args, {
    cwd: rootDirectory,
    execArgv: benchExecArgv(file === contenderFile),
    env: benchEnv(file === contenderFile),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** The fake image API's generation requests, in order. */
async function generations(dispatcher: Agent, imagesUrl: string): Promise<Recorded> {
  const answer = await request(`${imagesUrl}/_fake/requests`, { dispatcher });
  const recorded = recordedSchema.parse(await answer.body.json());
  return recorded.filter(
    (entry) => entry.method === 'POST' && entry.path.startsWith('/v1/images/generations'),
  );
}

/**
 * The image API's real pace: its median time per call (arrival → answer sent), and the least time the calls
 * could take at that pace ÷ the time they took (first arrival → last answer sent). When the API's own calls take
 * longer than the nominal latency (its timers firing late on a busy machine), no client can reach the ideal.
 */
function atApiPace(calls: Recorded, waves: number): { apiCallMs: number; ratio: number } {
  const answered = calls.filter((call) => call.endedAt !== undefined);
  const apiCallMs = median(answered.map((call) => (call.endedAt ?? call.at) - call.at));
  const windowMs =
    Math.max(...answered.map((call) => call.endedAt ?? call.at)) - Math.min(...calls.map((call) => call.at));
  return { apiCallMs, ratio: (waves * apiCallMs) / windowMs };
}

/** The first and second waves' spreads: from a wave's first arrival to its `slots`-th, arrivals sorted. */
function waveSpreads(arrivals: readonly number[], slots: number): [number, number] {
  const sorted = [...arrivals].sort((left, right) => left - right);
  const spread = (wave: number) =>
    (sorted[Math.min(sorted.length, (wave + 1) * slots) - 1] ?? 0) - (sorted[wave * slots] ?? 0);
  return [spread(0), spread(1)];
}

/**
 * Each slot's turnaround as the API sees it: the k-th answer sent → the (k + slots)-th arrival, both in order (the
 * bare client's answer is read, its next request written, and the API has read it). Median and p90.
 */
function hops(calls: Recorded, slots: number): [number, number] {
  const answers = calls.map((call) => call.endedAt ?? call.at).sort((left, right) => left - right);
  const arrivals = calls.map((call) => call.at).sort((left, right) => left - right);
  const gaps = arrivals.slice(slots).map((at, index) => at - (answers[index] ?? at));
  return [median(gaps), percentile(gaps, 0.9)];
}

const connectionsOf = (calls: Recorded): number => new Set(calls.map((call) => call.remotePort)).size;

/** First arrival → last arrival + the latency. */
function windowOf(arrivals: readonly number[], latencyMs: number): number {
  return Math.max(...arrivals) - Math.min(...arrivals) + latencyMs;
}

/**
 * The baseline's run: it replays the bot's warm-up request (path and body as the image API recorded them) with
 * the bench's key, warms one connection per slot, then sends `jobs` requests under the same latency fault.
 */
async function runBaseline(dispatcher: Agent, imagesUrl: string, options: Options): Promise<number> {
  const botCall = (await generations(dispatcher, imagesUrl)).findLast((entry) => entry.body !== undefined);
  if (botCall === undefined) throw new Error('the image API recorded no request body of the bot to replay');
  const baseline = forkBench(baselineFile, []);
  try {
    baseline.send({
      type: 'warm-up',
      url: `${imagesUrl}${botCall.path}`,
      headers: {
        authorization: `Bearer ${benchImageKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(botCall.body),
      jobs: options.jobs,
      slots: options.slots,
    });
    await waitForMessage(baseline, baselineWarmSchema, 'the baseline', childTimeoutMs);
    await fakeFaults(dispatcher, imagesUrl, 'POST', {
      kind: 'latency',
      ms: options.latencyMs,
      times: options.jobs,
    });
    const cpuBefore = machineCpuMs();
    baseline.send({ type: 'go' });
    const { failures } = await waitForMessage(baseline, baselineDoneSchema, 'the baseline', childTimeoutMs);
    const machineBusy = busyShare(cpuBefore, machineCpuMs());
    if (failures > 0) throw new Error(`the baseline's image API calls failed ${failures} times`);
    return machineBusy;
  } finally {
    baseline.kill();
  }
}

/**
 * The bot gets what the baseline got: one warm connection per slot. Its first warm-up's connections are gone by
 * its burst (the image API closes a connection idle for 5 s, Node's default, and the baseline's run is longer),
 * so `slots` more jobs, held by the API together, open them right before the burst.
 */
async function warmConnections(
  dispatcher: Agent,
  fakes: { slackUrl: string; imagesUrl: string },
  url: string,
  fakesProcess: ChildProcess,
  options: Options,
): Promise<void> {
  await fakeFaults(dispatcher, fakes.imagesUrl, 'POST', { kind: 'latency', ms: 50, times: options.slots });
  const warmUp = Array.from({ length: options.slots }, () => signedCommand(fakes.slackUrl, 'warm up'));
  await burst(dispatcher, url, warmUp);
  fakesProcess.send({ type: 'await-shared', count: warmUpJobs + options.slots, timeoutMs: childTimeoutMs });
  await waitForMessage(fakesProcess, sharedSchema, 'the fakes', childTimeoutMs + 10_000);
}

async function measure(round: number, options: Options): Promise<RoundResult> {
  // Two fakes processes: Slack's work (uploads, messages) must not delay the image API's answers or its clock.
  const fakesProcess = forkBench(fakesFile, ['--answer', 'small']);
  const imagesProcess =
    options.imageApi === 'lean'
      ? forkBench(leanImageApiFile, [])
      : forkBench(fakesFile, ['--answer', 'small']);
  const dataDirectory = mkdtempSync(join(tmpdir(), 'imagine-throughput-bench-'));
  const dispatcher = new Agent({ connections: null });
  let bot: ChildProcess | undefined;
  try {
    const slack = await waitForMessage(fakesProcess, bigFakesReadySchema, 'the fakes', childTimeoutMs);
    const { imagesUrl } = await waitForMessage(
      imagesProcess,
      options.imageApi === 'lean' ? leanReadySchema : bigFakesReadySchema,
      'the image API',
      childTimeoutMs,
    );
    const fakes = { ...slack, imagesUrl };
    bot = forkBench(contenderFile, [
      ...['--store', 'sqlite', '--concurrency', String(options.slots), '--data-dir', dataDirectory],
      ...['--slack-url', fakes.slackUrl, '--bot-token', fakes.botToken, '--images-url', fakes.imagesUrl],
    ]);
    const { port } = await waitForMessage(bot, bigBotReadySchema, 'the bot', childTimeoutMs);
    const url = `http://127.0.0.1:${port}/slack/events`;
    const warmUp = Array.from({ length: warmUpJobs }, () => signedCommand(fakes.slackUrl, 'warm up'));
    await burst(dispatcher, url, warmUp);
    fakesProcess.send({ type: 'await-shared', count: warmUpJobs, timeoutMs: childTimeoutMs });
    await waitForMessage(fakesProcess, sharedSchema, 'the fakes', childTimeoutMs + 10_000);
    const baselineMachineBusy = await runBaseline(dispatcher, fakes.imagesUrl, options);
    await warmConnections(dispatcher, fakes, url, fakesProcess, options);
    await fakeFaults(dispatcher, fakes.imagesUrl, 'POST', {
      kind: 'latency',
      ms: options.latencyMs,
      times: options.jobs,
    });
    const commands = Array.from({ length: options.jobs }, () => signedCommand(fakes.slackUrl, 'a quick fox'));
    bot.send({ type: 'start' });
    await waitForMessage(bot, startedSchema, 'the bot', childTimeoutMs);
    const cpuBefore = machineCpuMs();
    const startedAt = performance.now();
    const acks = await burst(dispatcher, url, commands);
    const warmedUp = warmUpJobs + options.slots;
    fakesProcess.send({ type: 'await-shared', count: warmedUp + options.jobs, timeoutMs: childTimeoutMs });
    const shared = await waitForMessage(fakesProcess, sharedSchema, 'the fakes', childTimeoutMs + 10_000);
    const endToEndMs = performance.now() - startedAt;
    const machineBusy = busyShare(cpuBefore, machineCpuMs());
    bot.send({ type: 'report' });
    const { cpuMs } = await waitForMessage(bot, loopReportSchema, 'the bot', childTimeoutMs);
    if (acks.failures > 0 || shared.count < warmedUp + options.jobs) {
      throw new Error(
        `${acks.failures} failed acks, ${shared.count - warmedUp} of ${options.jobs} images posted; last messages: ${shared.lastTexts.join(' | ')}`,
      );
    }
    const calls = await generations(dispatcher, fakes.imagesUrl);
    // In order: the bot's first warm-up, the baseline's warm-up and run, the bot's warm connections, its burst.
    const botCalls = calls.slice(-options.jobs);
    const baselineCalls = calls.slice(-(2 * options.jobs + options.slots), -(options.jobs + options.slots));
    const arrivals = botCalls.map((entry) => entry.at);
    const baselineArrivals = baselineCalls.map((entry) => entry.at);
    const waves = Math.ceil(options.jobs / options.slots);
    const botPace = atApiPace(botCalls, waves);
    const baselinePace = atApiPace(baselineCalls, waves);
    const windowMs = windowOf(arrivals, options.latencyMs);
    const baselineWindowMs = windowOf(baselineArrivals, options.latencyMs);
    if (process.env.BENCH_ARRIVALS_LOG === '1') {
      console.error(`arrivals ${JSON.stringify(arrivals)}`);
      console.error(`baseline arrivals ${JSON.stringify(baselineArrivals)}`);
    }
    const idealMs = waves * options.latencyMs;
    return {
      round,
      windowMs,
      idealMs,
      ratio: idealMs / windowMs,
      baselineWindowMs,
      baselineRatio: idealMs / baselineWindowMs,
      ofBaseline: baselineWindowMs / windowMs,
      endToEndMs,
      apiCallMs: botPace.apiCallMs,
      ratioAtApiPace: botPace.ratio,
      baselineApiCallMs: baselinePace.apiCallMs,
      baselineRatioAtApiPace: baselinePace.ratio,
      botCpuMsPerJob: cpuMs / options.jobs,
      waveSpreadsMs: waveSpreads(arrivals, options.slots),
      baselineWaveSpreadsMs: waveSpreads(baselineArrivals, options.slots),
      hopMs: hops(botCalls, options.slots),
      baselineHopMs: hops(baselineCalls, options.slots),
      connections: [connectionsOf(botCalls), connectionsOf(baselineCalls)],
      machineBusy,
      baselineMachineBusy,
    };
  } finally {
    bot?.kill();
    fakesProcess.kill();
    imagesProcess.kill();
    await dispatcher.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

/** Said when the bare client itself misses the target: then no client reaches it on this machine in this run. */
function baselineShortfall(baselineRatio: number): string[] {
  if (baselineRatio >= targetRatio) return [];
  return [
    `The bare undici client itself reaches only ${baselineRatio.toFixed(3)} of the ideal here (median): the target is beyond any client on this machine in this run.`,
  ];
}

const percent = (share: number) => `${(share * 100).toFixed(0)} %`;

function summary(results: readonly RoundResult[], options: Options): string {
  const ratios = results.map((result) => result.ratio);
  const ratio = median(ratios);
  const baselineRatios = results.map((result) => result.baselineRatio);
  const ofBaseline = results.map((result) => result.ofBaseline);
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  const ideal = results[0]?.idealMs ?? 0;
  return [
    `${options.jobs} jobs, IMAGE_API_CONCURRENCY=${options.slots}, ${options.latencyMs} ms per generation, image API: ${options.imageApi}; ${results.length} rounds (fresh processes each), ${cpus().length} CPUs, load average ${one} ${five} ${fifteen}.`,
    '',
    '| measure | median | worst |',
    '| --- | ---: | ---: |',
    `| time at the image API, ms (ideal ${ideal}) | ${median(results.map((r) => r.windowMs)).toFixed(0)} | ${Math.max(...results.map((r) => r.windowMs)).toFixed(0)} |`,
    `| ideal ÷ measured (jobs/s ÷ ideal jobs/s) | ${ratio.toFixed(3)} | ${Math.min(...ratios).toFixed(3)} |`,
    `| baseline (bare undici client): ideal ÷ its time, ms ${median(results.map((r) => r.baselineWindowMs)).toFixed(0)} | ${median(baselineRatios).toFixed(3)} | ${Math.min(...baselineRatios).toFixed(3)} |`,
    `| bot ÷ baseline (baseline's time ÷ the bot's, per round) | ${median(ofBaseline).toFixed(3)} | ${Math.min(...ofBaseline).toFixed(3)} |`,
    `| the image API's own time per call (arrival → answer sent), ms: bot's calls; baseline's | ${median(results.map((r) => r.apiCallMs)).toFixed(1)}; ${median(results.map((r) => r.baselineApiCallMs)).toFixed(1)} | ${Math.max(...results.map((r) => r.apiCallMs)).toFixed(1)}; ${Math.max(...results.map((r) => r.baselineApiCallMs)).toFixed(1)} |`,
    `| at the API's real pace: ideal ÷ measured, bot; baseline | ${median(results.map((r) => r.ratioAtApiPace)).toFixed(3)}; ${median(results.map((r) => r.baselineRatioAtApiPace)).toFixed(3)} | ${Math.min(...results.map((r) => r.ratioAtApiPace)).toFixed(3)}; ${Math.min(...results.map((r) => r.baselineRatioAtApiPace)).toFixed(3)} |`,
    `| the first wave's ${options.slots} calls arrive within, ms: bot; baseline | ${median(results.map((r) => r.waveSpreadsMs[0])).toFixed(0)}; ${median(results.map((r) => r.baselineWaveSpreadsMs[0])).toFixed(0)} | ${Math.max(...results.map((r) => r.waveSpreadsMs[0])).toFixed(0)}; ${Math.max(...results.map((r) => r.baselineWaveSpreadsMs[0])).toFixed(0)} |`,
    `| the second wave's, ms: bot; baseline | ${median(results.map((r) => r.waveSpreadsMs[1])).toFixed(0)}; ${median(results.map((r) => r.baselineWaveSpreadsMs[1])).toFixed(0)} | ${Math.max(...results.map((r) => r.waveSpreadsMs[1])).toFixed(0)}; ${Math.max(...results.map((r) => r.baselineWaveSpreadsMs[1])).toFixed(0)} |`,
    `| an answer sent → the slot's next call arrives, ms, median (p90): bot; baseline | ${median(results.map((r) => r.hopMs[0])).toFixed(2)} (${median(results.map((r) => r.hopMs[1])).toFixed(2)}); ${median(results.map((r) => r.baselineHopMs[0])).toFixed(2)} (${median(results.map((r) => r.baselineHopMs[1])).toFixed(2)}) | ${Math.max(...results.map((r) => r.hopMs[0])).toFixed(2)} (${Math.max(...results.map((r) => r.hopMs[1])).toFixed(2)}); ${Math.max(...results.map((r) => r.baselineHopMs[0])).toFixed(2)} (${Math.max(...results.map((r) => r.baselineHopMs[1])).toFixed(2)}) |`,
    `| connections the calls came on: bot; baseline | ${median(results.map((r) => r.connections[0]))}; ${median(results.map((r) => r.connections[1]))} | ${Math.max(...results.map((r) => r.connections[0]))}; ${Math.max(...results.map((r) => r.connections[1]))} |`,
    `| commands sent → all images posted, ms | ${median(results.map((r) => r.endToEndMs)).toFixed(0)} | ${Math.max(...results.map((r) => r.endToEndMs)).toFixed(0)} |`,
    `| the bot's CPU time per job (every thread; acks, stores, posts), ms | ${median(results.map((r) => r.botCpuMsPerJob)).toFixed(1)} | ${Math.max(...results.map((r) => r.botCpuMsPerJob)).toFixed(1)} |`,
    `| the machine's cores busy (every process), bot's burst; baseline's | ${percent(median(results.map((r) => r.machineBusy)))}; ${percent(median(results.map((r) => r.baselineMachineBusy)))} | ${percent(Math.max(...results.map((r) => r.machineBusy)))}; ${percent(Math.max(...results.map((r) => r.baselineMachineBusy)))} |`,
    '',
    `Target: ≥ ${targetRatio} of the ideal: ${ratio >= targetRatio ? 'met' : 'MISSED'} (median), ${Math.min(...ratios) >= targetRatio ? 'met' : 'MISSED'} (worst).`,
    ...baselineShortfall(median(baselineRatios)),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      jobs: { type: 'string', default: '200' },
      slots: { type: 'string', default: '16' },
      'latency-ms': { type: 'string', default: '200' },
      'image-api': { type: 'string', default: 'fake' },
    },
  });
  const rounds = z.coerce.number().int().min(1).max(50).parse(values.rounds);
  const options: Options = {
    jobs: z.coerce.number().int().min(1).max(2000).parse(values.jobs),
    slots: z.coerce.number().int().min(1).max(64).parse(values.slots),
    latencyMs: z.coerce.number().int().min(1).parse(values['latency-ms']),
    imageApi: z.enum(imageApis).parse(values['image-api']),
  };
  const results: RoundResult[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const result = await measure(round, options);
    console.error(
      `round ${round + 1}: ${result.windowMs.toFixed(0)} ms at the image API (ideal ${result.idealMs}), ratio ${result.ratio.toFixed(3)}; baseline ${result.baselineWindowMs.toFixed(0)} ms, ratio ${result.baselineRatio.toFixed(3)}; bot ÷ baseline ${result.ofBaseline.toFixed(3)}; the API's time per call ${result.apiCallMs.toFixed(1)} ms, at that pace ${result.ratioAtApiPace.toFixed(3)} (baseline ${result.baselineApiCallMs.toFixed(1)} ms, ${result.baselineRatioAtApiPace.toFixed(3)}); end to end ${result.endToEndMs.toFixed(0)} ms; bot CPU ${result.botCpuMsPerJob.toFixed(1)} ms a job; waves 1 and 2 arrive within ${result.waveSpreadsMs.map((ms) => ms.toFixed(0)).join(' and ')} ms (baseline ${result.baselineWaveSpreadsMs.map((ms) => ms.toFixed(0)).join(' and ')}); answer → next arrival ${result.hopMs[0].toFixed(2)} ms, p90 ${result.hopMs[1].toFixed(2)} (baseline ${result.baselineHopMs[0].toFixed(2)}, ${result.baselineHopMs[1].toFixed(2)}); connections ${result.connections[0]} (baseline ${result.connections[1]}); cores busy ${percent(result.machineBusy)} (baseline ${percent(result.baselineMachineBusy)})`,
    );
    results.push(result);
  }
  console.log(summary(results, options));
  writeBenchResults('throughput', { ...options, rounds, results });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
