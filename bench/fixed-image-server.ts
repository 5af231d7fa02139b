/**
 * The benchmark's server: the project's fake image API answering every generation with one fixed image as
 * b64_json, in the gateway's plain shape. Run it as its own process (the benchmark forks it) so that encoding and
 * sending 22 MB of base64 costs the measured client nothing.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeImageApi } from '../src/dev/fake-image-api/index.js';

export const defaultImageBytes = 16 * 1024 * 1024;
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Random bytes behind a PNG signature: as incompressible as a real PNG's data, and sniffed as one. */
export function makeImageLikePayload(bytes: number): Buffer {
  const image = randomFillSync(Buffer.allocUnsafe(bytes));
  Buffer.from(pngSignature).copy(image, 0);
  return image;
}

/** Forked by the benchmark: tells the parent where it listens and what it serves, then waits. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'image-bytes': { type: 'string' } } });
  const imageBytes = Number(values['image-bytes'] ?? defaultImageBytes);
  const image = makeImageLikePayload(imageBytes);
  const server = await startFakeImageApi();
  server.setResponseShape('plain');
  server.setDelivery('b64_json');
  server.setFixedImage(image);
  const sha256 = createHash('sha256').update(image).digest('hex');
  if (process.send) {
    process.send({ type: 'ready', url: server.url, sha256, imageBytes });
    process.once('disconnect', () => void server.close());
  } else {
    console.log(`serving a ${imageBytes}-byte image at ${server.url} (sha256 ${sha256})`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
