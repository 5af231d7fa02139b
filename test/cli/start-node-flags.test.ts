import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagsOfStartScript, startNodeFlags } from '../../bench/start-flags.js';

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
});
