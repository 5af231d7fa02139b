/**
 * Slack ack latency in a burst: 200 signed `/imagine` at once against the bot (HTTP mode, fake Slack, fake image
 * API) and against a bare Bolt app that only acks, each in its own fresh process, alternating in one run.
 * Latency is from sending a request to its answer's headers. `npm run bench -- ack [--rounds N] [--burst N]`
 */

import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import { z } from 'zod';
import { type AckContender, ackContenders, contenderReadySchema } from './ack-contender.js';
import { median, percentile, waitForMessage, writeBenchResults } from './bench-support.js';
import { burst, fakeFaults, signedCommand } from './drive-bot.js';
import { benchEnv, benchExecArgv } from './start-flags.js';

const childTimeoutMs = 60_000;
const targetRatio = 1.25;
const warmUpRequests = 20;
const warmUpJobs = 4;
const generationMs = 5000;
const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const fakesFile = fileURLToPath(new URL('./ack-fakes.ts', import.meta.url));
const contenderFile = fileURLToPath(new URL('./ack-contender.ts', import.meta.url));
const fakesReadySchema = z.object({
  type: z.literal('ready'),
  slackUrl: z.string(),
  botToken: z.string(),
  imagesUrl: z.string(),
});

interface RoundResult {
  contender: AckContender;
  round: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
}

async function measure(
  contender: AckContender,
  round: number,
  fakes: z.infer<typeof fakesReadySchema>,
  size: number,
): Promise<RoundResult> {
  const child = fork(
    contenderFile,
    [
      '--contender',
      contender,
      '--slack-url',
      fakes.slackUrl,
      '--bot-token',
      fakes.botToken,
      '--images-url',
      fakes.imagesUrl,
    ],
    {
      cwd: rootDirectory,
      execArgv: benchExecArgv(contender === 'bot'),
      env: benchEnv(contender === 'bot'),
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const dispatcher = new Agent({ connections: null });
  try {
    const { port } = await waitForMessage(
      child,
      contenderReadySchema,
      `the ${contender} contender`,
      childTimeoutMs,
    );
    const url = `http://127.0.0.1:${port}/slack/events`;
    // Warm up the process (JIT, the store, a few whole jobs), then let the warm-up jobs finish.
    await fakeFaults(dispatcher, fakes.imagesUrl, 'DELETE');
    const warmUp = Array.from({ length: warmUpRequests }, (_, index) =>
      signedCommand(fakes.slackUrl, index < warmUpJobs ? 'warm up' : 'help'),
    );
    await burst(dispatcher, url, warmUp);
    await sleep(1500);
    // As upstream, a generation takes seconds: the burst's own jobs do not finish during the burst.
    await fakeFaults(dispatcher, fakes.imagesUrl, 'POST', { kind: 'latency', ms: generationMs, times: size });
    const commands = Array.from({ length: size }, () => signedCommand(fakes.slackUrl, 'a burst fox'));
    const { latencies, failures } = await burst(dispatcher, url, commands);
    return {
      contender,
      round,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: Math.max(...latencies),
      failures,
    };
  } finally {
    child.kill();
    await dispatcher.close();
  }
}

function summaryTable(results: readonly RoundResult[], rounds: number, size: number): string {
  const of = (contender: AckContender) => results.filter((result) => result.contender === contender);
  const row = (contender: AckContender) => {
    const mine = of(contender);
    return `| ${contender} | ${median(mine.map((r) => r.p50Ms)).toFixed(0)} | ${median(mine.map((r) => r.p99Ms)).toFixed(0)} | ${Math.max(...mine.map((r) => r.p99Ms)).toFixed(0)} | ${mine.reduce((sum, r) => sum + r.failures, 0)} |`;
  };
  const p99 = (contender: AckContender) => median(of(contender).map((result) => result.p99Ms));
  const ratio = p99('bot') / p99('bare');
  // Worst round: the round whose bot/bare p99 ratio is highest.
  const ratios = Array.from({ length: rounds }, (_, round) => {
    const bot = results.find((r) => r.contender === 'bot' && r.round === round)?.p99Ms ?? Number.NaN;
    const bare = results.find((r) => r.contender === 'bare' && r.round === round)?.p99Ms ?? Number.NaN;
    return bot / bare;
  });
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return [
    `${size} signed /imagine at once, ${rounds} rounds (fresh processes each), ${cpus().length} CPUs, load average ${one} ${five} ${fifteen}.`,
    '',
    '| contender | p50 ms (median) | p99 ms (median) | p99 ms (worst) | failed acks |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('bot'),
    row('bare'),
    '',
    `bot p99 ÷ bare Bolt p99: of the median p99s ${ratio.toFixed(2)}, per round ${ratios.map((value) => value.toFixed(2)).join(' ')}, worst ${Math.max(...ratios).toFixed(2)}; target ≤ ${targetRatio}: ${ratio <= targetRatio ? 'met' : 'MISSED'}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '9' }, burst: { type: 'string', default: '200' } },
  });
  const rounds = z.coerce.number().int().min(1).max(50).parse(values.rounds);
  const size = z.coerce.number().int().min(1).max(2000).parse(values.burst);
  const fakesProcess = fork(fakesFile, [], {
    cwd: rootDirectory,
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  try {
    const fakes = await waitForMessage(fakesProcess, fakesReadySchema, 'the fakes', childTimeoutMs);
    const results: RoundResult[] = [];
    for (let round = 0; round < rounds; round += 1) {
      // Alternating who goes first, so neither always meets a machine still busy with the other.
      const order = round % 2 === 0 ? ackContenders : [...ackContenders].reverse();
      for (const contender of order) {
        const result = await measure(contender, round, fakes, size);
        console.error(
          `round ${round + 1} ${contender}: p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms, max ${result.maxMs.toFixed(0)} ms${result.failures > 0 ? `, ${result.failures} failed` : ''}`,
        );
        results.push(result);
      }
    }
    console.log(summaryTable(results, rounds, size));
    writeBenchResults('ack', { size, rounds, results });
  } finally {
    fakesProcess.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
