/**
 * How long `imagine-bot generate "a red fox"` takes, start to exit, against a 10-line openai SDK script doing the
 * same request: each run a fresh process, against one fake image API started once in its own process, the
 * contenders interleaved run by run. Ours is measured twice: through tsx (no build, `bin` runs src/) and built
 * (`tsc -p tsconfig.build.json` into a temporary folder, so the repository's own dist/ is never touched).
 * `npm run bench -- cli [--runs N]`
 */

import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { median } from './bench-support.js';

const targetRatio = 1.5;
const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = fileURLToPath(new URL('./results/cli.json', import.meta.url));
const openaiScript = fileURLToPath(new URL('./openai-generate.mjs', import.meta.url));
const runTimeoutMs = 60_000;

interface Contender {
  name: string;
  how: string;
  /** The command line, given the fake's URL and a fresh output folder. */
  argv(url: string, outDirectory: string): string[];
  env(url: string): Record<string, string>;
}

interface Summary {
  contender: string;
  how: string;
  runsMs: number[];
  medianMs: number;
  worstMs: number;
  medianVsOpenai: number;
  worstVsOpenai: number;
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill(), runTimeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A folder laid out like an installed package: bin/, package.json, node_modules, and src/ or a fresh dist/. */
async function packageLayout(parent: string, kind: 'tsx' | 'dist'): Promise<string> {
  const root = path.join(parent, kind);
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  copyFileSync(path.join(rootDirectory, 'bin/imagine-bot.js'), path.join(root, 'bin/imagine-bot.js'));
  copyFileSync(path.join(rootDirectory, 'package.json'), path.join(root, 'package.json'));
  symlinkSync(path.join(rootDirectory, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  if (kind === 'tsx') {
    symlinkSync(path.join(rootDirectory, 'src'), path.join(root, 'src'), 'dir');
    return root;
  }
  console.error('building dist/ into a temporary folder (tsc -p tsconfig.build.json)…');
  const tsc = path.join(rootDirectory, 'node_modules/typescript/bin/tsc');
  const outDir = path.join(root, 'dist');
  const built = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: rootDirectory,
    env: { PATH: process.env.PATH ?? '' },
  });
  if (built.code !== 0 || !existsSync(path.join(outDir, 'src/cli.js'))) {
    throw new Error(`the build failed:\n${built.stdout}${built.stderr}`);
  }
  return root;
}

function ourContender(root: string, how: string): Contender {
  return {
    name: 'imagine-bot generate',
    how,
    argv: (_url, outDirectory) => [
      path.join(root, 'bin/imagine-bot.js'),
      'generate',
      'a red fox',
      '--out',
      outDirectory,
    ],
    env: (url) => ({ IMAGE_API_BASE_URL: url, IMAGE_API_KEY: 'fake' }),
  };
}

const openaiContender: Contender = {
  name: 'openai SDK script',
  how: 'node bench/openai-generate.mjs',
  argv: (url, outDirectory) => [openaiScript, url, outDirectory],
  env: () => ({}),
};

/** The fake image API in its own process; answers in the plain OpenAI shape the SDK reads. */
async function startFake(): Promise<{ url: string; child: ChildProcess }> {
  const fakeRoot = path.join(rootDirectory, 'src/dev/fake-image-api/index.ts');
  const script = `import { startFakeImageApi } from ${JSON.stringify(fakeRoot)};
const fake = await startFakeImageApi({ apiKey: 'fake' });
fake.setResponseShape('plain');
process.stdout.write(fake.url + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: rootDirectory,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the fake image API exited (${code}) before listening`)));
  });
  return { url: z.url().parse(url), child };
}

async function timeOneRun(contender: Contender, url: string, scratch: string): Promise<number> {
  const outDirectory = mkdtempSync(path.join(scratch, 'out-'));
  const started = performance.now();
  const result = await run(process.execPath, contender.argv(url, outDirectory), {
    cwd: outDirectory,
    env: { PATH: process.env.PATH ?? '', ...contender.env(url) },
  });
  const wallMs = performance.now() - started;
  if (result.code !== 0) {
    throw new Error(`${contender.name} (${contender.how}) exited ${result.code}: ${result.stderr.trim()}`);
  }
  return wallMs;
}

function markdownTable(summaries: readonly Summary[], runs: number): string {
  const lines = [
    `One 1024×1024 PNG from the fake image API; each run a fresh process; ${runs} runs each after one warm-up, interleaved.`,
    '',
    '| contender | how | median ms | worst ms | median × openai | worst × openai |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...summaries.map(
      (summary) =>
        `| ${[
          summary.contender,
          summary.how,
          summary.medianMs.toFixed(0),
          summary.worstMs.toFixed(0),
          summary.medianVsOpenai.toFixed(2),
          summary.worstVsOpenai.toFixed(2),
        ].join(' | ')} |`,
    ),
    '',
    ...summaries
      .filter((summary) => summary.contender !== openaiContender.name)
      .map(
        (summary) =>
          `Target ≤ ${targetRatio}× openai (median), ${summary.how}: ${summary.medianVsOpenai <= targetRatio ? 'met' : 'MISSED'}.`,
      ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const runs = z.coerce.number().int().min(5).max(50).parse(values.runs);
  const loadBefore = loadavg();
  console.error(`load average before: ${loadBefore.map((load) => load.toFixed(2)).join(' ')}`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'imagine-bench-cli-'));
  const fake = await startFake();
  try {
    const contenders = [
      ourContender(await packageLayout(scratch, 'tsx'), 'tsx (src, no build)'),
      ourContender(await packageLayout(scratch, 'dist'), 'built (dist/)'),
      openaiContender,
    ];
    const times = contenders.map(() => [] as number[]);
    console.error(`measuring ${contenders.length} contenders: 1 warm-up + ${runs} runs each, interleaved…`);
    for (let round = 0; round <= runs; round++) {
      for (const [index, contender] of contenders.entries()) {
        const wallMs = await timeOneRun(contender, fake.url, scratch);
        if (round > 0) times[index]?.push(wallMs);
      }
    }
    const openaiTimes = times[contenders.indexOf(openaiContender)] ?? [];
    const summaries: Summary[] = contenders.map((contender, index) => {
      const runsMs = times[index] ?? [];
      return {
        contender: contender.name,
        how: contender.how,
        runsMs,
        medianMs: median(runsMs),
        worstMs: Math.max(...runsMs),
        medianVsOpenai: median(runsMs) / median(openaiTimes),
        worstVsOpenai: Math.max(...runsMs) / Math.max(...openaiTimes),
      };
    });
    const loadAfter = loadavg();
    console.log(markdownTable(summaries, runs));
    console.log(
      `\nLoad average before ${loadBefore[0]?.toFixed(2)}, after ${loadAfter[0]?.toFixed(2)} (1 min); ${cpus().length} CPUs; node ${process.version}.`,
    );
    mkdirSync(path.dirname(resultsFile), { recursive: true });
    const machine = { node: process.version, cpus: cpus().length, platform: process.platform };
    const results = {
      generatedAt: new Date().toISOString(),
      machine,
      loadAverage: { before: loadBefore, after: loadAfter },
      runs,
      summaries,
    };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    fake.child.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
