import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { readRequestBody } from '../read-request-body.js';
import { Chaos, type ChaosSettings, type ChaosStats, chaosSettingsSchema } from './chaos.js';
import { type Delivery, FakeState, type RecordedRequest, type ResponseShapeSetting } from './fake-state.js';
import {
  expiredUrlXml,
  type Fault,
  faultSchema,
  gatewayError,
  noSuchKeyXml,
  notAnImageHtml,
} from './faults.js';
import { handleGeneration } from './generation-route.js';
import { sendJson, sendText } from './response-writer.js';
import { formatIssues } from './wire-schemas.js';

export type { ChaosKind, ChaosSettings, ChaosStats } from './chaos.js';
export type { Delivery, RecordedRequest, ResponseShapeSetting } from './fake-state.js';

export interface FakeImageApiOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, generation requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /**
   * Longest side of rendered images. Unset (the default, as in `npm run demo` and `imagine-bot fake-api`), images
   * have the pixel size the request resolves to (Gemini 16:9 at 2K, Seedream 2048x2048, …); a test that only needs
   * a picture may ask for small ones (e.g. 64): the aspect ratio is kept.
   */
  maxSide?: number;
  /** Seeded random faults from the start (see `setChaos`). */
  chaos?: ChaosSettings;
}

export interface FakeImageApi {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Every request except those to the /_fake/ control endpoints, in arrival order. */
  requests: RecordedRequest[];
  /** Every image this server has produced, in order. */
  images: Buffer[];
  /** Generation requests unanswered now (a caller that hung up no longer counts) and the most at once so far. */
  inFlight(): { now: number; max: number };
  /** Queues a fault for the next `times` (default 1) valid generation requests. */
  fault(fault: Fault): void;
  /** Faults not used up yet (left over from earlier requests), each with the requests it still applies to. */
  pendingFaults(): { fault: Fault; remaining: number }[];
  clearFaults(): void;
  /**
   * Seeded random faults: each valid generation request that no queued fault answers fails with odds `rate`,
   * with one of `kinds` (default all); the same seed and order of requests give the same faults. undefined: off.
   */
  setChaos(settings: ChaosSettings | undefined): void;
  /** What chaos has drawn and injected since it was set (undefined when off). */
  chaosStats(): ChaosStats | undefined;
  setResponseShape(shape: ResponseShapeSetting): void;
  setDelivery(delivery: Delivery): void;
  /** Answers every generation with these bytes (undefined: back to rendering). */
  setFixedImage(bytes: Buffer | undefined): void;
  close(): Promise<void>;
}

const maxBodyBytes = 64 * 1024 * 1024;

const configSchema = z.strictObject({
  shape: z.enum(['wrapped', 'plain', 'alternate']).optional(),
  delivery: z.enum(['auto', 'b64_json', 'url']).optional(),
});

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : `${value}`,
    ]),
  );
}

function sendInvalid(response: ServerResponse, message: string): void {
  sendJson(response, 400, gatewayError(400, message, 'invalid_request_error', 'invalid_request').body);
}

/** GET /files/<id>.<ext>: what an OSS/TOS signed URL would serve. */
function serveFile(state: FakeState, path: string, response: ServerResponse, requestId: string) {
  const id = path.slice('/files/'.length).replace(/\.[a-z]+$/, '');
  const file = state.files.get(id);
  if (!file) return sendText(response, 404, 'application/xml', noSuchKeyXml(requestId));
  switch (file.kind) {
    case 'expired':
      return sendText(response, 403, 'application/xml', expiredUrlXml(requestId, new Date()));
    case 'html':
      return sendText(response, 200, 'text/html; charset=utf-8', notAnImageHtml);
    case 'image':
      return sendText(response, 200, file.contentType, file.bytes);
    case 'redirect':
      response.writeHead(302, { location: file.location }).end();
      return;
  }
}

/** The /_fake/ endpoints, so another process (the CLI, the benchmark) can steer the fake. */
function handleControl(
  state: FakeState,
  method: string,
  path: string,
  body: unknown,
  response: ServerResponse,
) {
  const route = `${method} ${path}`;
  if (route === 'POST /_fake/faults') {
    const parsed = faultSchema.safeParse(body);
    if (!parsed.success) return sendInvalid(response, formatIssues(parsed.error.issues));
    state.faults.push(parsed.data);
    return sendJson(response, 200, { queued: parsed.data });
  }
  if (route === 'GET /_fake/faults') {
    return sendJson(response, 200, { faults: state.faults.pending() });
  }
  if (route === 'DELETE /_fake/faults') {
    state.faults.clear();
    return sendJson(response, 200, { cleared: true });
  }
  if (route === 'POST /_fake/chaos') {
    const parsed = chaosSettingsSchema.safeParse(body);
    if (!parsed.success) return sendInvalid(response, formatIssues(parsed.error.issues));
    state.chaos = new Chaos(parsed.data);
    return sendJson(response, 200, state.chaos.stats());
  }
  if (route === 'GET /_fake/chaos') {
    return sendJson(response, 200, state.chaos?.stats() ?? { settings: null });
  }
  if (route === 'DELETE /_fake/chaos') {
    state.chaos = undefined;
    return sendJson(response, 200, { cleared: true });
  }
  if (route === 'GET /_fake/requests') {
    // Another process may print this: keep the key out of it.
    const redacted = state.requests.map((entry) =>
      entry.headers.authorization === undefined
        ? entry
        : { ...entry, headers: { ...entry.headers, authorization: 'Bearer [redacted]' } },
    );
    return sendJson(response, 200, redacted);
  }
  if (route === 'POST /_fake/config') {
    const parsed = configSchema.safeParse(body);
    if (!parsed.success) return sendInvalid(response, formatIssues(parsed.error.issues));
    if (parsed.data.shape !== undefined) state.setShape(parsed.data.shape);
    state.delivery = parsed.data.delivery ?? state.delivery;
    return sendJson(response, 200, { shape: state.shape, delivery: state.delivery });
  }
  return sendJson(
    response,
    404,
    gatewayError(404, `Invalid URL (${route})`, 'invalid_request_error', 'not_found').body,
  );
}

/** Wall-clock milliseconds, to a fraction: the benches time a client's turnaround between two calls from these. */
const epochMs = () => performance.timeOrigin + performance.now();

/** Counts a generation request in flight until its answer is sent or its caller goes away (a killed bot). */
function countInFlight(state: FakeState, record: RecordedRequest, response: ServerResponse): void {
  const generations = state.generations;
  generations.inFlight += 1;
  generations.maxInFlight = Math.max(generations.maxInFlight, generations.inFlight);
  response.once('close', () => {
    generations.inFlight -= 1;
    record.endedAt = epochMs();
  });
}

async function route(state: FakeState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomBytes(12).toString('hex');
  response.setHeader('x-request-id', requestId);
  const method = request.method ?? 'GET';
  const path = request.url ?? '/';
  const pathname = path.split('?')[0] ?? path;
  const raw = await readRequestBody(request, maxBodyBytes);
  if (raw === undefined) {
    return sendJson(
      response,
      413,
      gatewayError(413, 'request body too large', 'invalid_request_error', 'invalid_request').body,
    );
  }
  const body = parseBody(raw);
  if (pathname.startsWith('/_fake/')) return handleControl(state, method, pathname, body, response);

  const record: RecordedRequest = {
    method,
    path,
    headers: lowerCaseHeaders(request),
    body,
    at: epochMs(),
    ...(request.socket.remotePort !== undefined && { remotePort: request.socket.remotePort }),
  };
  state.requests.push(record);
  if (method === 'POST' && pathname === '/v1/images/generations') {
    countInFlight(state, record, response);
    return handleGeneration(state, request, response, record, requestId);
  }
  if (method === 'GET' && pathname.startsWith('/files/'))
    return serveFile(state, pathname, response, requestId);
  const message = `Invalid URL (${method} ${pathname})`;
  sendJson(response, 404, gatewayError(404, message, 'invalid_request_error', 'not_found').body);
}

/** Starts the fake gateway on 127.0.0.1 (a free port unless told). */
export async function startFakeImageApi(options: FakeImageApiOptions = {}): Promise<FakeImageApi> {
  const host = options.host ?? '127.0.0.1';
  const state = new FakeState(options.maxSide, options.apiKey);
  if (options.chaos) state.chaos = new Chaos(chaosSettingsSchema.parse(options.chaos));
  const server = createServer((request, response) => {
    route(state, request, response).catch((error: unknown) => {
      if (state.closing.signal.aborted || response.headersSent) {
        response.destroy();
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      sendJson(
        response,
        500,
        gatewayError(500, `fake image API failure: ${reason}`, 'server_error', 'internal_error').body,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the fake image API has no TCP address');
  state.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url: state.baseUrl,
    requests: state.requests,
    images: state.images,
    inFlight: () => ({ now: state.generations.inFlight, max: state.generations.maxInFlight }),
    fault: (fault) => state.faults.push(faultSchema.parse(fault)),
    pendingFaults: () => state.faults.pending(),
    clearFaults: () => state.faults.clear(),
    setChaos: (settings) => {
      state.chaos = settings === undefined ? undefined : new Chaos(chaosSettingsSchema.parse(settings));
    },
    chaosStats: () => state.chaos?.stats(),
    setResponseShape: (shape) => {
      state.setShape(shape);
    },
    setDelivery: (delivery) => {
      state.delivery = delivery;
    },
    setFixedImage: (bytes) => {
      state.setFixedImage(bytes);
    },
    close: async () => {
      state.closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung and keep-alive connections would hold close() open forever.
        server.closeAllConnections();
      });
    },
  };
}
