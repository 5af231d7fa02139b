import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeImageLikePayload } from '../../../bench/fixed-image-server.js';
import { startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const script = fileURLToPath(new URL('../../fixtures/response-memory.ts', import.meta.url));
const imageBytes = 16 * 1024 * 1024;
const measured = z.object({ chunks: z.number(), peakAboveBaseline: z.number(), sha256: z.string() });

describe('answer memory', () => {
  const image = makeImageLikePayload(imageBytes);
  let server: Awaited<ReturnType<typeof startFakeImageApi>>;

  beforeAll(async () => {
    server = await startFakeImageApi({ apiKey: 'memory' });
    server.setResponseShape('plain');
    server.setDelivery('b64_json');
    server.setFixedImage(image);
  });
  afterAll(() => server.close());

  it('holds a 16 MiB image answered as 22 MB of base64 in little more than the image (each read freed once parsed)', async () => {
    // A fresh process: its own heap, and nothing else allocating while the answer arrives.
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', script, server.url], {
      cwd: root,
      timeout: 60_000,
    });
    const result = measured.parse(JSON.parse(stdout));
    expect(result.sha256).toBe(createHash('sha256').update(image).digest('hex'));
    expect(result.chunks).toBeGreaterThan(100);
    // The image itself is 1×. Socket reads left to V8's young-generation GC pile up to 2× before it runs.
    expect(result.peakAboveBaseline / imageBytes).toBeLessThan(1.3);
  }, 90_000);
});
