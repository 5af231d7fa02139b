import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readRequestBody } from '../../../src/dev/read-request-body.js';
import {
  type PlatformChaos,
  type PlatformChaosPicker,
  type PlatformChaosStats,
  platformChaos,
} from '../chaos.js';
import { createEvents, type FakeDiscordEvents } from './events.js';
import {
  type DiscordFault,
  type DiscordRecord,
  FaultList,
  type RecordedFile,
  snowflakes,
} from './fake-state.js';
import { FakeGateway, type GatewayDelivery, type Identify } from './gateway.js';
import { handleRest, type RestAnswer, type SentInteraction } from './rest-routes.js';
import { DiscordWorld, generalChannelId } from './world.js';

export interface FakeDiscord extends FakeDiscordEvents {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** What DISCORD_API_URL is set to: `http://127.0.0.1:PORT/api`. */
  apiUrl: string;
  world: DiscordWorld;
  /** Every REST request (not /cdn/), in arrival order. */
  records: DiscordRecord[];
  /** The paths of every /cdn/ download, in arrival order. */
  cdnRequests: string[];
  identifies: Identify[];
  /** Every event the gateway sent, to which connection and shard, in order. */
  deliveries: GatewayDelivery[];
  fault(fault: DiscordFault): void;
  clearFaults(): void;
  /**
   * Seeded random failures of REST calls (`/api/v10/*`) that no queued fault answers: with odds `rate`, a 429
   * (per-route, with Retry-After and the rate-limit headers) or a 5xx, and the call does nothing. undefined: off.
   */
  setChaos(chaos: PlatformChaos | undefined): void;
  /** What chaos has drawn and injected since it was set (undefined when off). */
  chaosStats(): PlatformChaosStats | undefined;
  /** Resolves with the first record (already made or to come) that matches; rejects after `timeoutMs`. */
  waitFor(
    what: string,
    predicate: (record: DiscordRecord) => boolean,
    timeoutMs?: number,
  ): Promise<DiscordRecord>;
  dispatch(type: string, data: unknown): void;
  /**
   * An interaction another process received and deferred (no gateway dispatch): its webhook takes edits and
   * follow-ups until `expireInteraction`.
   */
  deferredInteraction(channelId?: string): SentInteraction;
  /** The token stops working, as after Discord's 15 minutes: webhook calls answer 10015 Unknown Webhook. */
  expireInteraction(token: string): void;
  connected(): Promise<void>;
  close(): Promise<void>;
}

/** JSON, or multipart (`payload_json` + `files[n]`) parsed with the platform's own FormData parser. */
async function parseBody(
  raw: Buffer,
  contentType: string,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (!contentType.startsWith('multipart/form-data')) {
    const text = raw.toString('utf8');
    try {
      return { body: JSON.parse(text), files: [] };
    } catch {
      return { body: text, files: [] };
    }
  }
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const files: RecordedFile[] = [];
  let body: unknown;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      if (name === 'payload_json') body = JSON.parse(value);
      continue;
    }
    files.push({
      field: name,
      name: value.name,
      contentType: value.type,
      bytes: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { body, files };
}

function faultAnswer(fault: DiscordFault): { answer: RestAnswer; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (fault.status === 429) {
    const retryAfter = String(fault.retryAfterSeconds ?? 0.1);
    headers['retry-after'] = retryAfter;
    headers['x-ratelimit-scope'] = fault.global ? 'global' : 'user';
    if (fault.global) headers['x-ratelimit-global'] = 'true';
    else {
      headers['x-ratelimit-limit'] = '5';
      headers['x-ratelimit-remaining'] = '0';
      headers['x-ratelimit-reset-after'] = retryAfter;
      headers['x-ratelimit-bucket'] = 'fake-bucket';
    }
    return {
      answer: {
        status: 429,
        body: {
          message: 'You are being rate limited.',
          retry_after: Number(retryAfter),
          global: fault.global ?? false,
        },
      },
      headers,
    };
  }
  return {
    answer: { status: fault.status, body: { message: fault.message ?? 'Error', code: fault.code ?? 0 } },
    headers,
  };
}

/** A fake Discord on 127.0.0.1: REST under /api/v10, a JSON gateway on /gateway, files under /cdn/. */
export async function startFakeDiscord(options: { chaos?: PlatformChaos } = {}): Promise<FakeDiscord> {
  const world = new DiscordWorld();
  const interactions = new Map<string, SentInteraction>();
  const records: DiscordRecord[] = [];
  const cdnRequests: string[] = [];
  const faults = new FaultList();
  let chaos: PlatformChaosPicker | undefined = options.chaos && platformChaos(options.chaos);
  const chaosFault = (restPath: string): DiscordFault | undefined => {
    const status = chaos?.draw();
    if (status === undefined) return undefined;
    return {
      path: restPath,
      status,
      ...(status === 429
        ? { retryAfterSeconds: chaos?.retryAfterSeconds ?? 1 }
        : { message: status === 500 ? 'Internal Server Error' : 'Service Unavailable' }),
    };
  };
  const recorded = new EventEmitter();
  recorded.setMaxListeners(0);
  const nextSequence = snowflakes(0n);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', world.baseUrl);
    const path = decodeURIComponent(url.pathname);
    const raw = await readRequestBody(request);
    if (request.method === 'GET' && path.startsWith('/cdn/')) {
      cdnRequests.push(path);
      const file = world.cdn.get(path.slice('/cdn/'.length));
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
      return void response.end(file.bytes);
    }
    if (!path.startsWith('/api/v10/')) return void response.writeHead(404).end();
    const { body, files } = await parseBody(raw, request.headers['content-type'] ?? '');
    const restPath = path.slice('/api/v10'.length);
    const method = request.method ?? 'GET';
    const fault = faults.take(method, restPath, files.length > 0) ?? chaosFault(restPath);
    const { answer, headers } = fault
      ? faultAnswer(fault)
      : {
          answer: handleRest(
            world,
            interactions,
            { method, path: restPath, query: Object.fromEntries(url.searchParams), body, files },
            `${world.baseUrl.replace(/^http/, 'ws')}/gateway`,
          ),
          headers: {},
        };
    const record: DiscordRecord = {
      sequence: Number(nextSequence()),
      at: Date.now(),
      method,
      path: restPath,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      body,
      files,
      status: answer.status,
    };
    records.push(record);
    recorded.emit('record', record);
    // Discord tells the gateway about a thread the bot started, as it does for any new thread in a guild.
    if (answer.status === 201 && method === 'POST' && /\/messages\/\d+\/threads$/.test(restPath)) {
      // A REST-only poster (no gateway client connected) has nobody to tell.
      try {
        gateway.dispatch('THREAD_CREATE', { ...(answer.body as object), newly_created: true });
      } catch {}
    }
    if (answer.body === undefined) return void response.writeHead(answer.status, headers).end();
    response.writeHead(answer.status, { ...headers, 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: String(error), code: 0 }));
    });
  });
  const gateway = new FakeGateway(server, world, () => `${world.baseUrl.replace(/^http/, 'ws')}/gateway`);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The fake Discord has no port.');
  world.baseUrl = `http://127.0.0.1:${address.port}`;

  const fake: FakeDiscord = {
    url: world.baseUrl,
    apiUrl: `${world.baseUrl}/api`,
    world,
    records,
    cdnRequests,
    identifies: gateway.identifies,
    deliveries: gateway.deliveries,
    fault: (fault) => faults.push(fault),
    clearFaults: () => faults.clear(),
    setChaos(settings) {
      chaos = settings && platformChaos(settings);
    },
    chaosStats: () => chaos?.stats(),
    waitFor(what, predicate, timeoutMs = 15_000) {
      const found = records.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const listener = (record: DiscordRecord) => {
          if (!predicate(record)) return;
          clearTimeout(timer);
          recorded.off('record', listener);
          resolve(record);
        };
        const timer = setTimeout(() => {
          recorded.off('record', listener);
          reject(new Error(`The fake Discord never received ${what}.`));
        }, timeoutMs);
        recorded.on('record', listener);
      });
    },
    dispatch: (type, data) => gateway.dispatch(type, data),
    deferredInteraction(channelId = generalChannelId) {
      const sent: SentInteraction = {
        id: world.newInteractionId(),
        token: `itok-${randomBytes(12).toString('hex')}`,
        channelId,
        callbacks: 1,
      };
      interactions.set(sent.token, sent);
      return sent;
    },
    expireInteraction: (token) => void interactions.delete(token),
    connected: () => gateway.connected(),
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    ...createEvents(world, interactions, (type, data) => gateway.dispatch(type, data)),
  };
  return fake;
}
