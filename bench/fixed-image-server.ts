/**
 * A loopback server that answers every `POST /v1/images/generations` with one fixed image as b64_json,
 * in the gateway's plain shape. Run it as its own process (the benchmark forks it) so that building and
 * sending 22 MB of base64 costs the measured client nothing.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const defaultImageBytes = 16 * 1024 * 1024;
const pieceBytes = 1024 * 1024;
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Random bytes behind a PNG signature: as incompressible as a real PNG's data, and sniffed as one. */
export function makeImageLikePayload(bytes: number): Buffer {
  const image = randomFillSync(Buffer.allocUnsafe(bytes));
  Buffer.from(pngSignature).copy(image, 0);
  return image;
}

export interface FixedImageServer {
  url: string;
  close(): Promise<void>;
}

export async function startFixedImageServer(image: Buffer): Promise<FixedImageServer> {
  const answer = Buffer.concat([
    Buffer.from(`{"created":${Math.floor(Date.now() / 1000)},"data":[{"b64_json":"`),
    Buffer.from(image.toString('base64'), 'latin1'),
    Buffer.from('","revised_prompt":""}]}'),
  ]);
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/images/generations') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"message":"not found"}}');
      return;
    }
    request.resume();
    request.once('end', () => void sendInPieces(response, answer));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function sendInPieces(response: ServerResponse, answer: Buffer): Promise<void> {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
  for (let offset = 0; offset < answer.length && !response.destroyed; offset += pieceBytes) {
    if (!response.write(answer.subarray(offset, offset + pieceBytes))) await drained(response);
  }
  response.end();
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Forked by the benchmark: tells the parent where it listens and what it serves, then waits. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'image-bytes': { type: 'string' } } });
  const imageBytes = Number(values['image-bytes'] ?? defaultImageBytes);
  const image = makeImageLikePayload(imageBytes);
  const server = await startFixedImageServer(image);
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
