/**
 * The team board with 5,000 results in one channel (seeded into the default SQLite store through the real
 * index): the time to answer its first page, against serving one static file from node:http, each server in its
 * own fresh process per round, side by side. Cold: the first request of a new process (it reads the channel's
 * index from the store); warm: the next ones. `npm run bench -- board [--rounds 5] [--results 5000] [--requests 30]`
 */
import { type ChildProcess, fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { median, waitForMessage, writeBenchResults } from './bench-support.js';
import { boardReadySchema } from './board-contender.js';

const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const contenderFile = fileURLToPath(new URL('./board-contender.ts', import.meta.url));
const seedTimeoutMs = 180_000;

function forkContender(args: string[]): ChildProcess {
  return fork(contenderFile, args, {
    cwd: rootDirectory,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function timeGet(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const startedAt = performance.now();
  const response = await request(url);
  const body = Buffer.from(await response.body.arrayBuffer());
  return { ms: performance.now() - startedAt, bytes: body.length, status: response.statusCode };
}

interface Round {
  coldBoardMs: number;
  coldStaticMs: number;
  warmBoardMs: number;
  warmStaticMs: number;
  pageBytes: number;
}

async function round(results: number, requests: number): Promise<Round> {
  const board = forkContender(['--kind', 'board', '--results', String(results)]);
  const staticServer = forkContender(['--kind', 'static']);
  try {
    const [boardUrl, staticUrl] = await Promise.all([
      waitForMessage(board, boardReadySchema, 'the board', seedTimeoutMs).then((ready) => ready.url),
      waitForMessage(staticServer, boardReadySchema, 'the static server', seedTimeoutMs).then(
        (ready) => ready.url,
      ),
    ]);
    const coldBoard = await timeGet(boardUrl);
    if (coldBoard.status !== 200) throw new Error(`the board answered ${coldBoard.status}`);
    const coldStatic = await timeGet(staticUrl);
    const warmBoard: number[] = [];
    const warmStatic: number[] = [];
    for (let index = 0; index < requests; index += 1) {
      warmBoard.push((await timeGet(boardUrl)).ms);
      warmStatic.push((await timeGet(staticUrl)).ms);
    }
    return {
      coldBoardMs: coldBoard.ms,
      coldStaticMs: coldStatic.ms,
      warmBoardMs: median(warmBoard),
      warmStaticMs: median(warmStatic),
      pageBytes: coldBoard.bytes,
    };
  } finally {
    board.kill();
    staticServer.kill();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      results: { type: 'string', default: '5000' },
      requests: { type: 'string', default: '30' },
    },
  });
  const rounds = Number(values.rounds);
  const results = Number(values.results);
  const all: Round[] = [];
  for (let index = 1; index <= rounds; index += 1) {
    const measured = await round(results, Number(values.requests));
    all.push(measured);
    console.log(
      `round ${index}: first page cold ${measured.coldBoardMs.toFixed(1)} ms, warm ${measured.warmBoardMs.toFixed(1)} ms (${measured.pageBytes} bytes); static file cold ${measured.coldStaticMs.toFixed(1)} ms, warm ${measured.warmStaticMs.toFixed(1)} ms`,
    );
  }
  const worst = (pick: (value: Round) => number) => Math.max(...all.map(pick));
  const warmRatio = median(all.map((value) => value.warmBoardMs / value.warmStaticMs));
  const coldRatio = median(all.map((value) => value.coldBoardMs / value.coldStaticMs));
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  console.log(
    [
      `${results} results in one channel, first page (60 images); ${rounds} rounds (fresh processes each), ${cpus().length} CPUs, load average ${one} ${five} ${fifteen}.`,
      '',
      '| first page | board ms (median) | worst | static file ms (median) | board ÷ static (median of rounds) |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| warm | ${median(all.map((value) => value.warmBoardMs)).toFixed(1)} | ${worst((value) => value.warmBoardMs).toFixed(1)} | ${median(all.map((value) => value.warmStaticMs)).toFixed(1)} | ${warmRatio.toFixed(2)} |`,
      `| cold (new process) | ${median(all.map((value) => value.coldBoardMs)).toFixed(1)} | ${worst((value) => value.coldBoardMs).toFixed(1)} | ${median(all.map((value) => value.coldStaticMs)).toFixed(1)} | ${coldRatio.toFixed(2)} |`,
    ].join('\n'),
  );
  writeBenchResults('board', { rounds, results, measured: all });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
