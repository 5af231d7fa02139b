/**
 * Throughput at IMAGE_API_CONCURRENCY=16: 200 signed `/imagine` at once against the bot (Slack HTTP mode, the
 * default SQLite store, fake Slack), the fake image API answering each generation after a fixed 200 ms. Measured
 * at the fake image API: from the first generation request's arrival to the last one's answer (its arrival + the
 * latency), against the least time 16 slots can take: ceil(200 ÷ 16) waves × 200 ms. The runner's per-job
 * overhead (store reads and writes, quotas, progress) shows as gaps between one call's end and the next call's
 * start in a slot. Side by side in each round, before the bot's bursts: the baseline (throughput-baseline.ts), a
 * bare undici client sending the bot's own request through as many slots, measured the same way — what the
 * machine, the image API process and undici allow with no bot at all. Both start on one warm connection per slot.
 * The bot bursts twice: cold, right after its start, while V8 still compiles its code on a background thread
 * that competes for the 2 cores; then warm, after `--warm-jobs` more jobs (default 3,000), as a bot runs once it
 * has served a busy workspace for a while. 3,000, not fewer: the image client's thread runs each of its functions
 * about once a job, so V8 optimizes them only after a thousand jobs or more, and after 1,000 it was still compiling
 * inside the measured burst (the traces: bench/HISTORY.md, 2026-11-28 17:25–). Each round in fresh processes; the
 * fake image API has one of its own, apart from fake Slack.
 * `npm run bench -- throughput [--rounds N] [--jobs N] [--warm-jobs N]`
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
  threadsCpuMs,
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
  /** Jobs the bot runs between its cold burst and its warm one. */
  warmJobs: number;
}

/** What the image API saw of one run of `jobs` calls: the bot's or the bare client's. */
interface CallFigures {
  /** First generation request's arrival → last one's arrival + the latency. */
  windowMs: number;
  /** ceil(jobs ÷ slots) × latency ÷ windowMs. */
  ratio: number;
  /** The image API's own time per call (arrival → answer sent), median. */
  apiCallMs: number;
  /** ceil(jobs ÷ slots) × apiCallMs ÷ (first arrival → last answer sent): the ideal at the API's real pace. */
  ratioAtApiPace: number;
  /**
   * How far apart the first wave's calls arrived (first → slots-th arrival), and the second wave's: the bot starts
   * its first calls as it works through the burst of commands, and its second wave meets the rest of that work.
   */
  waveSpreadsMs: [number, number];
  /** The client's turnaround seen at the API: an answer sent → the next call's arrival, median and p90. */
  hopMs: [number, number];
  /** Connections the calls came on (distinct caller ports at the image API). */
  connections: number;
  /** Share of the machine's cores busy (every process) during the run. */
  machineBusy: number;
}

/** One burst of the bot's: 200 signed `/imagine` at once, measured at the image API and at the fake Slack. */
interface BotBurst extends CallFigures {
  /** The bare client's window ÷ the bot's: the bot's throughput as a share of the bare client's. */
  ofBaseline: number;
  /** Sending the commands → the fake Slack holding every image: acks, queueing and posting included. */
  endToEndMs: number;
  /** The bot's CPU time (every thread) from the commands sent to the last image posted, ÷ the jobs. */
  cpuMsPerJob: number;
  /** The same, its main thread apart from its other threads (V8's compiler and GC, the image client's thread). */
  threadsCpuMsPerJob: { mainMs: number; otherMs: number } | undefined;
}

interface RoundResult {
  round: number;
  /** ceil(jobs ÷ slots) × latency. */
  idealMs: number;
  /** The bare undici client, in the same round, before the bot's bursts. */
  baseline: CallFigures;
  /** The bot's first burst after its start (and a few warm-up jobs): V8 is still compiling its code. */
  cold: BotBurst;
  /** The same bot after `warmJobs` more jobs, as a bot is after its first while in a busy workspace. */
  warm: BotBurst;
}

/** The processes of one round and what the fake Slack has posted so far. */
interface Round {
  dispatcher: Agent;
  fakes: { slackUrl: string; imagesUrl: string; botToken: string };
  fakesProcess: ChildProcess;
  bot: ChildProcess;
  /** The bot's Slack endpoint. */
  url: string;
  /** Images posted to the fake Slack so far (every job posts one). */
  posted: number;
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

/** What the image API saw of the last `jobs` generation calls, each run measured the same way. */
function callFigures(calls: Recorded, options: Options, machineBusy: number): CallFigures {
  const arrivals = calls.map((entry) => entry.at);
  if (process.env.BENCH_ARRIVALS_LOG === '1') console.error(`arrivals ${JSON.stringify(arrivals)}`);
  const waves = Math.ceil(options.jobs / options.slots);
  const pace = atApiPace(calls, waves);
  const windowMs = windowOf(arrivals, options.latencyMs);
  return {
    windowMs,
    ratio: (waves * options.latencyMs) / windowMs,
    apiCallMs: pace.apiCallMs,
    ratioAtApiPace: pace.ratio,
    waveSpreadsMs: waveSpreads(arrivals, options.slots),
    hopMs: hops(calls, options.slots),
    connections: connectionsOf(calls),
    machineBusy,
  };
}

/** Sends `commands` at once; resolves once the fake Slack holds every image they asked for. */
async function sendAndAwaitPosts(round: Round, text: string, count: number): Promise<void> {
  const commands = Array.from({ length: count }, () => signedCommand(round.fakes.slackUrl, text));
  const acks = await burst(round.dispatcher, round.url, commands);
  round.posted += count;
  round.fakesProcess.send({ type: 'await-shared', count: round.posted, timeoutMs: childTimeoutMs });
  const shared = await waitForMessage(round.fakesProcess, sharedSchema, 'the fakes', childTimeoutMs + 10_000);
  if (acks.failures > 0 || shared.count < round.posted) {
    throw new Error(
      `${acks.failures} failed acks, ${shared.count} of ${round.posted} images posted; last messages: ${shared.lastTexts.join(' | ')}`,
    );
  }
}

/** The warm bot: `options.warmJobs` more jobs, answered at once, a burst's worth (`options.jobs`) at a time. */
async function warmBot(round: Round, options: Options): Promise<void> {
  for (let sent = 0; sent < options.warmJobs; sent += options.jobs) {
    await sendAndAwaitPosts(round, 'warm up', Math.min(options.jobs, options.warmJobs - sent));
  }
}

/**
 * One measured burst. First the bot gets what the baseline got: one warm connection per slot (the image API closes
 * a connection idle for 5 s, Node's default, so earlier jobs' connections may be gone): `slots` jobs, held by the
 * API together, open them right before the burst.
 */
async function botBurst(round: Round, options: Options, baseline: CallFigures): Promise<BotBurst> {
  const { dispatcher, fakes, bot } = round;
  await fakeFaults(dispatcher, fakes.imagesUrl, 'POST', { kind: 'latency', ms: 50, times: options.slots });
  await sendAndAwaitPosts(round, 'warm up', options.slots);
  await fakeFaults(dispatcher, fakes.imagesUrl, 'POST', {
    kind: 'latency',
    ms: options.latencyMs,
    times: options.jobs,
  });
  bot.send({ type: 'start' });
  await waitForMessage(bot, startedSchema, 'the bot', childTimeoutMs);
  const cpuBefore = machineCpuMs();
  const threadsBefore = bot.pid === undefined ? undefined : threadsCpuMs(bot.pid);
  const startedAt = performance.now();
  await sendAndAwaitPosts(round, 'a quick fox', options.jobs);
  const endToEndMs = performance.now() - startedAt;
  const machineBusy = busyShare(cpuBefore, machineCpuMs());
  const threadsAfter = bot.pid === undefined ? undefined : threadsCpuMs(bot.pid);
  bot.send({ type: 'report' });
  const { cpuMs } = await waitForMessage(bot, loopReportSchema, 'the bot', childTimeoutMs);
  const calls = (await generations(dispatcher, fakes.imagesUrl)).slice(-options.jobs);
  const figures = callFigures(calls, options, machineBusy);
  return {
    ...figures,
    ofBaseline: baseline.windowMs / figures.windowMs,
    endToEndMs,
    cpuMsPerJob: cpuMs / options.jobs,
    threadsCpuMsPerJob:
      threadsBefore === undefined || threadsAfter === undefined
        ? undefined
        : {
            mainMs: (threadsAfter.mainMs - threadsBefore.mainMs) / options.jobs,
            otherMs: (threadsAfter.otherMs - threadsBefore.otherMs) / options.jobs,
          },
  };
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
    const current: Round = {
      dispatcher,
      fakes,
      fakesProcess,
      bot,
      url: `http://127.0.0.1:${port}/slack/events`,
      posted: 0,
    };
    // A few jobs first: the baseline replays the bot's own request, as the image API recorded it.
    await sendAndAwaitPosts(current, 'warm up', warmUpJobs);
    const baselineMachineBusy = await runBaseline(dispatcher, fakes.imagesUrl, options);
    const baselineCalls = (await generations(dispatcher, fakes.imagesUrl)).slice(-options.jobs);
    const baseline = callFigures(baselineCalls, options, baselineMachineBusy);
    const cold = await botBurst(current, options, baseline);
    await warmBot(current, options);
    const warm = await botBurst(current, options, baseline);
    return {
      round,
      idealMs: Math.ceil(options.jobs / options.slots) * options.latencyMs,
      baseline,
      cold,
      warm,
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

/** A row's median and worst cells; `worst` is the largest value unless lower is worse. */
function cells(values: readonly number[], format: (value: number) => string, lowerIsWorse = false): string {
  const worst = lowerIsWorse ? Math.min(...values) : Math.max(...values);
  return `${format(median(values))} | ${format(worst)}`;
}

const fixed = (digits: number) => (value: number) => value.toFixed(digits);

/** A table row: its label, the figure of each run, how it is written, and whether lower is worse. */
type Row<T> = [
  label: string,
  pick: (run: T) => number,
  format: (value: number) => string,
  lowerIsWorse?: boolean,
];

function rowsOf<T>(runs: readonly T[], rows: readonly Row<T>[]): string[][] {
  return rows.map(([label, pick, format, lowerIsWorse]) => [
    label,
    cells(runs.map(pick), format, lowerIsWorse),
  ]);
}

/** The rows the bot's bursts and the bare client share, for the given runs. */
function callRows(runs: readonly CallFigures[], slots: number): string[][] {
  return rowsOf(runs, [
    ['ideal ÷ measured (jobs/s ÷ ideal jobs/s)', (r) => r.ratio, fixed(3), true],
    ['time at the image API, ms', (r) => r.windowMs, fixed(0)],
    ["the image API's own time per call (arrival → answer sent), ms", (r) => r.apiCallMs, fixed(1)],
    ["at the API's real pace: ideal ÷ measured", (r) => r.ratioAtApiPace, fixed(3), true],
    [`the first wave's ${slots} calls arrive within, ms`, (r) => r.waveSpreadsMs[0], fixed(0)],
    ["the second wave's, ms", (r) => r.waveSpreadsMs[1], fixed(0)],
    ["an answer sent → the slot's next call arrives, ms: median", (r) => r.hopMs[0], fixed(2)],
    ['the same, p90', (r) => r.hopMs[1], fixed(2)],
    ['connections the calls came on', (r) => r.connections, fixed(0)],
    ["the machine's cores busy (every process)", (r) => r.machineBusy, percent],
  ]);
}

function botRows(runs: readonly BotBurst[]): string[][] {
  const threads = runs.map((run) => run.threadsCpuMsPerJob);
  const split = threads.every((entry) => entry !== undefined)
    ? rowsOf(threads, [
        ["its main thread's, ms", (entry) => entry.mainMs, fixed(1)],
        [
          "its other threads' (V8's compiler and GC, the image client's thread), ms",
          (entry) => entry.otherMs,
          fixed(1),
        ],
      ])
    : [];
  return [
    ...rowsOf(runs, [
      ["bot ÷ baseline (the bare client's time ÷ the bot's, per round)", (r) => r.ofBaseline, fixed(3), true],
      ['commands sent → all images posted, ms', (r) => r.endToEndMs, fixed(0)],
      ["the bot's CPU time per job (every thread; acks, stores, posts), ms", (r) => r.cpuMsPerJob, fixed(1)],
    ]),
    ...split,
  ];
}

function summary(results: readonly RoundResult[], options: Options): string {
  const warm = results.map((result) => result.warm);
  const cold = results.map((result) => result.cold);
  const warmRatios = warm.map((burst) => burst.ratio);
  const baselineRatio = median(results.map((result) => result.baseline.ratio));
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  const ideal = results[0]?.idealMs ?? 0;
  const warmRows = [...callRows(warm, options.slots), ...botRows(warm)];
  const coldRows = [...callRows(cold, options.slots), ...botRows(cold)];
  const verdict = (value: number) => (value >= targetRatio ? 'met' : 'MISSED');
  return [
    `${options.jobs} jobs, IMAGE_API_CONCURRENCY=${options.slots}, ${options.latencyMs} ms per generation (ideal ${ideal} ms), image API: ${options.imageApi}; ${results.length} rounds (fresh processes each), ${cpus().length} CPUs, load average ${one} ${five} ${fifteen}. Warm: after ${options.warmJobs} more jobs; cold: the first burst after the bot's start.`,
    '',
    '| measure | warm bot: median | worst | cold bot: median | worst |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...warmRows.map(
      ([label, warmCells], index) => `| ${label} | ${warmCells} | ${coldRows[index]?.[1] ?? ''} |`,
    ),
    '',
    '| the bare undici client, in the same rounds | median | worst |',
    '| --- | ---: | ---: |',
    ...callRows(
      results.map((result) => result.baseline),
      options.slots,
    ).map(([label, values]) => `| ${label} | ${values} |`),
    '',
    `Target: ≥ ${targetRatio} of the ideal, warm bot: ${verdict(median(warmRatios))} (median), ${verdict(Math.min(...warmRatios))} (worst). Cold bot: ${median(cold.map((burst) => burst.ratio)).toFixed(3)} (median).`,
    ...baselineShortfall(baselineRatio),
  ].join('\n');
}

/** What a round's line says of one run's calls, the bot's bursts and the bare client alike: its window… */
function callsText(figures: CallFigures): string {
  return `${figures.windowMs.toFixed(0)} ms, ratio ${figures.ratio.toFixed(3)}`;
}

/** …and, after the bot's share of the bare client's, the rest. */
function callsDetail(figures: CallFigures): string {
  return `API ${figures.apiCallMs.toFixed(1)} ms a call (at that pace ${figures.ratioAtApiPace.toFixed(3)}), waves within ${figures.waveSpreadsMs.map((ms) => ms.toFixed(0)).join(' and ')} ms, hop ${figures.hopMs[0].toFixed(2)} (p90 ${figures.hopMs[1].toFixed(2)}) ms, ${figures.connections} connections`;
}

function roundLine(result: RoundResult): string {
  const burstLine = (name: string, burst: BotBurst) =>
    `${name} ${callsText(burst)}, ÷ baseline ${burst.ofBaseline.toFixed(3)}, ${callsDetail(burst)}, CPU ${burst.cpuMsPerJob.toFixed(1)} ms a job${burst.threadsCpuMsPerJob === undefined ? '' : ` (main ${burst.threadsCpuMsPerJob.mainMs.toFixed(1)}, other threads ${burst.threadsCpuMsPerJob.otherMs.toFixed(1)})`}, cores busy ${percent(burst.machineBusy)}`;
  const { baseline } = result;
  return [
    `round ${result.round + 1} (ideal ${result.idealMs} ms):`,
    `  baseline ${callsText(baseline)}, ${callsDetail(baseline)}, cores busy ${percent(baseline.machineBusy)}`,
    `  ${burstLine('cold bot', result.cold)}`,
    `  ${burstLine('warm bot', result.warm)}`,
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
      'warm-jobs': { type: 'string', default: '3000' },
    },
  });
  const rounds = z.coerce.number().int().min(1).max(50).parse(values.rounds);
  const options: Options = {
    jobs: z.coerce.number().int().min(1).max(2000).parse(values.jobs),
    slots: z.coerce.number().int().min(1).max(64).parse(values.slots),
    latencyMs: z.coerce.number().int().min(1).parse(values['latency-ms']),
    imageApi: z.enum(imageApis).parse(values['image-api']),
    warmJobs: z.coerce.number().int().min(0).max(20_000).parse(values['warm-jobs']),
  };
  const results: RoundResult[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const result = await measure(round, options);
    console.error(roundLine(result));
    results.push(result);
  }
  console.log(summary(results, options));
  writeBenchResults('throughput', { ...options, rounds, results });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
