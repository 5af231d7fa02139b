import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const script = fileURLToPath(new URL('../../fixtures/request-body-memory.ts', import.meta.url));
const imageBytes = 32 * 1024 * 1024;
const measured = z.object({ sent: z.number(), chunks: z.number(), peakAboveBaseline: z.number() });

/** Builds and consumes the body in a fresh process (its own heap), as `mode`; memory above the image's own. */
async function measure(mode: 'stream' | 'whole') {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', script, mode, String(imageBytes)],
    { cwd: root, timeout: 60_000 },
  );
  return measured.parse(JSON.parse(stdout));
}

describe('request body memory', () => {
  it('streams a 32 MiB input image without ever holding its base64 whole (the whole JSON text would)', async () => {
    const streamed = await measure('stream');
    const whole = await measure('whole');
    const base64Length = 4 * Math.ceil((imageBytes + 29) / 3);
    expect(streamed.sent).toBe(whole.sent);
    expect(streamed.sent).toBeGreaterThan(base64Length);
    expect(streamed.chunks).toBeGreaterThan(100);
    // The control: one whole copy of the text alone is base64Length bytes, so the measure sees it.
    expect(whole.peakAboveBaseline).toBeGreaterThan(base64Length);
    expect(streamed.peakAboveBaseline).toBeLessThan(base64Length / 2);
  });
});
