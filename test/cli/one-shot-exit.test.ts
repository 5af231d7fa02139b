import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { runCliWithProbe } from '../support/run-cli-process.js';

const probe = path.resolve('test/support/wasm-tier-probe.mjs');

/** Runs the CLI in a fresh process; says how V8 compiles a hot WebAssembly function at that process's exit. */
async function wasmTierAtExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; tier: string; stderr: string }> {
  const { code, stderr, report } = await runCliWithProbe({
    nodeArgs: ['--allow-natives-syntax', '--single-threaded'],
    probe,
    reportVariable: 'WASM_TIER_FILE',
    args,
    env,
  });
  return { code, tier: report, stderr };
}

describe('a one-shot command leaves nothing for V8 to compile as it exits', () => {
  let fake: FakeImageApi;

  beforeAll(async () => {
    fake = await startFakeImageApi({ apiKey: 'fake' });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('the probe sees WebAssembly reach the optimizing compiler in a command that is not one-shot', async () => {
    const { code, tier } = await wasmTierAtExit(['--help']);
    expect(code).toBe(0);
    expect(tier).toBe('turbofan');
  });

  it("generate keeps WebAssembly (undici's HTTP parser) on the baseline compiler", async () => {
    const { code, tier, stderr } = await wasmTierAtExit(['generate', 'a red fox', '--out', 'out'], {
      IMAGE_API_BASE_URL: fake.url,
      IMAGE_API_KEY: 'fake',
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(tier).toBe('liftoff');
  });

  it('register does too', async () => {
    // No Discord credentials: it stops at its config check, after the command was chosen.
    const { code, tier } = await wasmTierAtExit(['register', 'discord']);
    expect(code).toBe(2);
    expect(tier).toBe('liftoff');
  });
});
