/**
 * The throughput bench's image API with `--image-api lean`, in its own process. The project's fake image API
 * (fixed 64×64 PNG, b64_json, plain shape) answers the first generation; its answer is kept, and every later
 * generation gets the same bytes again from a bare node:http server, held for the latency fault's time. Each call
 * is recorded when its headers arrive, before its body is read. Why: the fake reads, parses and validates each
 * body and renders each answer on the same 2 cores as the bot, and it records a call only after that, so a
 * fake busy answering one batch of calls shows the next calls late. Speaks the part of the fake's control API the
 * bench uses: POST /_fake/faults (a latency fault) and GET /_fake/requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { request } from 'undici';
import { z } from 'zod';
import { startFakeImageApi } from '../src/dev/fake-image-api/index.js';
import { readRequestBody } from '../src/dev/read-request-body.js';
import { benchImageKey } from './ack-fakes.js';

export const leanReadySchema = z.object({ type: z.literal('ready'), imagesUrl: z.string() });
const latencyFaultSchema = z.object({
  kind: z.literal('latency'),
  ms: z.number().int().min(0),
  times: z.number(),
});

interface KeptAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

async function main(): Promise<void> {
  const fake = await startFakeImageApi({ apiKey: benchImageKey, maxSide: 64 });
  fake.setFixedImage(
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c85028' } })
      .png()
      .toBuffer(),
  );
  fake.setDelivery('b64_json');
  fake.setResponseShape('plain');
  const recorded: {
    method: string;
    path: string;
    at: number;
    endedAt?: number;
    body?: unknown;
    remotePort?: number;
  }[] = [];
  // Wall-clock milliseconds to a fraction, as the fake image API records them: the bench times hops from these.
  const epochMs = () => performance.timeOrigin + performance.now();
  let kept: KeptAnswer | undefined;
  let latency = { ms: 0, times: 0 };

  async function generation(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    record: (typeof recorded)[number],
  ): Promise<void> {
    const body = await readRequestBody(incoming);
    if (kept === undefined) {
      // The request the throughput bench's baseline replays.
      record.body = JSON.parse(body.toString('utf8'));
      const answer = await request(`${fake.url}${incoming.url ?? ''}`, {
        method: 'POST',
        headers: { authorization: incoming.headers.authorization ?? '', 'content-type': 'application/json' },
        body,
      });
      kept = {
        status: answer.statusCode,
        contentType: String(answer.headers['content-type'] ?? 'application/json'),
        body: Buffer.from(await answer.body.arrayBuffer()),
      };
    } else if (latency.times > 0) {
      latency.times -= 1;
      await sleep(latency.ms);
    }
    outgoing.writeHead(kept.status, { 'content-type': kept.contentType, 'content-length': kept.body.length });
    outgoing.end(kept.body);
  }

  async function route(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    if (method === 'POST' && path.startsWith('/v1/images/generations')) {
      const record: (typeof recorded)[number] = {
        method,
        path,
        at: epochMs(),
        ...(incoming.socket.remotePort !== undefined && { remotePort: incoming.socket.remotePort }),
      };
      recorded.push(record);
      outgoing.once('close', () => {
        record.endedAt = epochMs();
      });
      return generation(incoming, outgoing, record);
    }
    const body = await readRequestBody(incoming);
    if (method === 'POST' && path === '/_fake/faults') {
      const fault = latencyFaultSchema.parse(JSON.parse(body.toString('utf8')));
      latency = { ms: fault.ms, times: fault.times };
    } else if (!(method === 'GET' && path === '/_fake/requests')) {
      outgoing.writeHead(404).end();
      return;
    }
    outgoing.writeHead(200, { 'content-type': 'application/json' });
    outgoing.end(JSON.stringify(method === 'GET' ? recorded : {}));
  }

  const server = createServer((incoming, outgoing) => {
    route(incoming, outgoing).catch((error: unknown) => {
      console.error(error);
      outgoing.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', imagesUrl: `http://127.0.0.1:${port}` });
  process.once('disconnect', () => {
    server.close();
    void fake.close();
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
