import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagsOfStartScript, startEnvironment, startNodeFlags } from '../../bench/start-flags.js';

const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');

/** The threads of a fresh `node` process started with `flags`, counted by the kernel (Linux's /proc). */
function threadsOfNode(flags: string[]): number {
  const script = "console.log(require('node:fs').readdirSync('/proc/self/task').length)";
  // Without the caller's NODE_OPTIONS, which may hold a pool size of its own.
  const { NODE_OPTIONS: _callerOptions, ...env } = process.env;
  const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`node ${flags.join(' ')} failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

/** Huge pages (kB) backing a 64 MiB Buffer that a fresh `node` with `env` filled (Linux's smaps_rollup). */
function hugePagesOfNode(env: Record<string, string>): number {
  const script = [
    'const bytes = Buffer.allocUnsafe(64 * 1024 * 1024); bytes.fill(1);',
    "const rollup = require('node:fs').readFileSync('/proc/self/smaps_rollup', 'utf8');",
    'console.log(Number(/AnonHugePages:\\s+(\\d+)/.exec(rollup)?.[1] ?? 0), bytes.length);',
  ].join(' ');
  const { NODE_OPTIONS: _callerOptions, GLIBC_TUNABLES: _callerTunables, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
  if (run.status !== 0) throw new Error(`node failed: ${run.stderr}`);
  return Number(run.stdout.trim().split(' ')[0]);
}

/** Whether glibc can put malloc's memory on transparent huge pages when asked (glibc ≥ 2.35, THP not off). */
function hugePagesOnRequest(): boolean {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const glibc = report.header?.glibcVersionRuntime;
  const [major = 0, minor = 0] = (glibc ?? '0.0').split('.').map(Number);
  const modeFile = '/sys/kernel/mm/transparent_hugepage/enabled';
  const mode = existsSync(modeFile) ? /\[(\w+)\]/.exec(readFileSync(modeFile, 'utf8'))?.[1] : 'never';
  return (major > 2 || (major === 2 && minor >= 35)) && (mode === 'madvise' || mode === 'always');
}

describe("the bot's Node flags (npm start, the Docker image, the benches)", () => {
  it('npm start gives V8 one helper thread, and the image starts node with the same flags', () => {
    expect(startNodeFlags()).toEqual(['--v8-pool-size=1']);
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(entrypoint && JSON.parse(entrypoint)).toEqual(['node', ...startNodeFlags(), 'bin/imagine-bot.js']);
  });

  it('reads the flags of a start script and refuses any other shape', () => {
    expect(flagsOfStartScript('node bin/imagine-bot.js start')).toEqual([]);
    expect(
      flagsOfStartScript('node --v8-pool-size=1 --max-old-space-size=512 bin/imagine-bot.js start'),
    ).toEqual(['--v8-pool-size=1', '--max-old-space-size=512']);
    expect(() => flagsOfStartScript('tsx src/cli/main.ts start')).toThrow(/not "node \[flags\]/);
    expect(() => flagsOfStartScript('node bin/imagine-bot.js start && echo done')).toThrow();
  });

  it.runIf(process.platform === 'linux')(
    'the flags really leave node with 3 threads fewer than its default 4 helpers',
    () => {
      expect(threadsOfNode([]) - threadsOfNode(startNodeFlags())).toBe(3);
    },
  );

  it("the Docker image runs the bot with malloc's large buffers on huge pages, and the benches start theirs so", () => {
    expect(startEnvironment()).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    // In the image that runs, not only in the build stage.
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtimeStage).toContain('\nENV GLIBC_TUNABLES=glibc.malloc.hugetlb=1\n');
  });

  it.runIf(process.platform === 'linux')(
    'with that environment a 64 MiB Buffer really lands on huge pages, where glibc and the kernel offer them',
    () => {
      const withTunable = hugePagesOfNode(startEnvironment());
      if (hugePagesOnRequest()) expect(withTunable).toBeGreaterThan(0);
      else expect(withTunable).toBe(0);
    },
  );
});
