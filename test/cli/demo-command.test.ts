import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../src/core/images/index.js';
import { savedPaths, spawnCli } from '../bots/console/cli-process.js';

describe('imagine-bot demo', () => {
  it('answers a prompt end to end against its own fake, with no key and no store set', async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-demo-'));
    const outDir = path.join(workDir, 'out');
    // A daily quota from a copied .env does not apply to the demo: the fake costs nothing.
    const demo = spawnCli(['demo', '--out', outDir], { env: { USER_DAILY_QUOTA: '1' }, cwd: workDir });
    const banner = await demo.waitFor('/help lists the commands');
    expect(banner).toMatch(/^Demo: a local fake image API at http:\/\/127\.0\.0\.1:\d+ answers /);
    demo.line('a lighthouse at dusk');
    const stdout = await demo.waitFor((text) => savedPaths(text).length === 1);
    const [file = ''] = savedPaths(stdout);
    expect(path.dirname(file)).toBe(outDir);
    expect(sniffImageType(await readFile(file))).toBe('image/png');
    demo.line('a second lighthouse');
    await demo.waitFor((text) => savedPaths(text).length === 2);
    demo.line('/usage');
    await demo.waitFor('Today: you 2 (no limit); this channel 2 (no limit).');
    demo.line('/quit');
    expect(await demo.exited).toBe(0);
    expect(demo.stderr()).toBe('');
  });
});
