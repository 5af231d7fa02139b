import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readRequestBody } from '../../../src/dev/read-request-body.js';
import {
  type PlatformChaos,
  type PlatformChaosPicker,
  type PlatformChaosStats,
  platformChaos,
} from '../chaos.js';
import { multipartParts } from './multipart-parts.js';
import {
  createPrivateFiles,
  type DownloadHold,
  type PrivateFileOptions,
  signInPage,
} from './private-files.js';
import type { ApiCall, FakeMessage, Recorded, SharedFile, SlackFault } from './records.js';
import { attachSocketMode } from './socket-mode.js';
import { answerMethod, type WebApiState } from './web-api.js';

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  /** Seeded random 429s and 5xx on Web API calls from the start (see `setChaos`). */
  chaos?: PlatformChaos;
  /**
   * How an upload's body is read: `form` (default) parses it as a web form (undici's parser: a check of our own
   * multipart independent of our code); `split` finds its parts by their boundary (benches: no copy, ≈ 1 % of the
   * CPU for a 45 MB image).
   */
  uploads?: 'form' | 'split';
}

export interface FakeSlack {
  url: string;
  /** For `SLACK_API_URL`. */
  apiUrl: string;
  botToken: string;
  appToken: string;
  teamId: string;
  botUserId: string;
  /** Everything, in arrival order. */
  log: Recorded[];
  calls(method?: string): ApiCall[];
  /** Messages as they stand now, oldest first. */
  messages(): FakeMessage[];
  /** Files shared by files.completeUploadExternal. */
  shared: SharedFile[];
  responses(id?: string): Extract<Recorded, { kind: 'respond' }>[];
  /** A fresh response_url (five posts, like Slack's). */
  responseUrl(): string;
  /** A file users "attached": the JSON an event's `files[]` carries. */
  addFile(options: PrivateFileOptions): Record<string, unknown>;
  /** Serve the sign-in page even with the bot token, as Slack does when files:read is missing. */
  setFilesScopeMissing(missing: boolean): void;
  /** Holds every file download from now on until released, counting how many wait at once. */
  holdDownloads(): DownloadHold;
  fault(fault: SlackFault): void;
  /**
   * Seeded random failures of the bot's calls — Web API methods (`/api/*`), upload URLs and response_urls — that
   * no queued fault answers: with odds `rate`, a 429 (`ratelimited`, with Retry-After) or a 5xx, and the call does
   * nothing (the log marks it `failedWith`). undefined: off.
   */
  setChaos(chaos: PlatformChaos | undefined): void;
  /** What chaos has drawn and injected since it was set (undefined when off). */
  chaosStats(): PlatformChaosStats | undefined;
  /** Web API calls of `method` wait (recorded, unanswered) until `release()`; `'respond'`: response_url posts. */
  hold(method: string): { release(): void };
  /** Adds a line to the shared log (tests mark acks and image API calls to check their order). */
  mark(label: string): void;
  /** Socket Mode: resolves when a client has connected (after hello). */
  socketConnected(): Promise<void>;
  socketSend(message: Record<string, unknown>): void;
  close(): Promise<void>;
}

export { type DownloadHold, type PrivateFileOptions, signInPage };

const responseUrlPosts = 5;

/** How a fault answered, as a record shows it: the HTTP status, or Slack's `error`. */
function failureOf(fault: SlackFault): string {
  if (fault.kind === 'ratelimited') return '429';
  if (fault.kind === 'status') return String(fault.status);
  return fault.kind === 'error' ? fault.error : 'answer';
}

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function formParams(raw: Buffer, contentType: string): Record<string, string> {
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );
  }
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

/** A fake Slack on 127.0.0.1: Web API, upload URLs, private files, response_urls and a Socket Mode server. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-bot-token-4c1d';
  const appToken = options.appToken ?? 'xapp-fake-app-token-9e2b';
  const teamId = options.teamId ?? 'T0001';
  const log: Recorded[] = [];
  const faults: { fault: SlackFault; remaining: number }[] = [];
  const responseUses = new Map<string, number>();
  const holds = new Map<string, Promise<void>>();
  let counter = 0;
  let chaos: PlatformChaosPicker | undefined = options.chaos && platformChaos(options.chaos);
  let port = 0;
  const record = (entry: WithoutSeq<Recorded>) => {
    log.push({ ...entry, seq: log.length + 1 });
  };
  const privateFiles = createPrivateFiles(botToken, record);
  const state: WebApiState = {
    url: '',
    teamId,
    botUserId: 'U0BOT',
    botId: 'B0BOT',
    messages: new Map(),
    shared: [],
    pendingUploads: new Map(),
    privateFiles: new Map(),
    nextNumber: () => {
      counter += 1;
      return counter;
    },
    socketUrl: () => `ws://127.0.0.1:${port}/link/?ticket=t${state.nextNumber()}`,
  };

  const takeFault = (method: string): SlackFault | undefined => {
    const index = faults.findIndex((entry) => entry.fault.method === method);
    const entry = faults[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.splice(index, 1);
    return entry.fault;
  };

  /** A chaos draw for a Web API call, as the fault it answers with. */
  const chaosFault = (method: string): SlackFault | undefined => {
    const status = chaos?.draw();
    if (status === undefined) return undefined;
    if (status === 429)
      return { method, kind: 'ratelimited', retryAfterSeconds: chaos?.retryAfterSeconds ?? 1, chaos: true };
    return { method, kind: 'status', status, chaos: true };
  };

  /** true when the fault answered. */
  const answerFault = (fault: SlackFault | undefined, response: ServerResponse): boolean => {
    if (!fault) return false;
    if (fault.kind === 'ratelimited') {
      sendJson(
        response,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    } else if (fault.kind === 'status') {
      response.writeHead(fault.status, { 'content-type': 'text/plain' });
      response.end('fake Slack failure');
    } else if (fault.kind === 'answer') {
      sendJson(response, 200, fault.body);
    } else {
      sendJson(response, 200, {
        ok: false,
        error: fault.error,
        ...(fault.needed && { needed: fault.needed }),
      });
    }
    return true;
  };

  /** The file parts of an upload's body (text fields are not files). */
  async function uploadedFiles(raw: Buffer, contentType: string) {
    if (options.uploads === 'split') {
      return multipartParts(raw, contentType)
        .filter((part) => part.filename !== undefined)
        .map((part) => ({ partName: part.name, bytes: part.bytes }));
    }
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: { partName: string; bytes: Buffer }[] = [];
    for (const [partName, value] of form.entries()) {
      if (typeof value !== 'string') files.push({ partName, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return files;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const raw = await readRequestBody(request);
    const authorization = request.headers.authorization;
    const auth = authorization === undefined ? {} : { authorization };
    if (request.method === 'POST' && path.startsWith('/api/')) {
      const method = path.slice('/api/'.length);
      const params = formParams(raw, request.headers['content-type'] ?? '');
      const fault = takeFault(method) ?? chaosFault(method);
      record({ kind: 'api', method, params, ...auth, ...(fault && { failedWith: failureOf(fault) }) });
      await holds.get(method);
      if (answerFault(fault, response)) return;
      const expected = method === 'apps.connections.open' ? appToken : botToken;
      if (authorization !== `Bearer ${expected}`)
        return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
      return sendJson(response, 200, answerMethod(state, method, params));
    }
    if (request.method === 'POST' && path.startsWith('/upload/v1/')) {
      const fileId = path.slice('/upload/v1/'.length);
      const files = await uploadedFiles(raw, request.headers['content-type'] ?? '');
      const fault = takeFault('upload') ?? chaosFault('upload');
      for (const { partName, bytes } of files) {
        record({
          kind: 'upload',
          fileId,
          partName,
          bytes,
          ...auth,
          ...(fault && { failedWith: failureOf(fault) }),
        });
        const pending = state.pendingUploads.get(fileId);
        // A queued fault takes the bytes (as before); a chaos failure, like Slack's, keeps nothing.
        if (pending && partName === 'body' && !fault?.chaos) pending.bytes = bytes;
      }
      if (answerFault(fault, response)) return;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`OK - ${raw.length}`);
      return;
    }
    if (request.method === 'POST' && path.startsWith('/respond/')) {
      const id = path.slice('/respond/'.length);
      const body: unknown = JSON.parse(raw.toString('utf8') || '{}');
      const fault = takeFault('respond') ?? chaosFault('respond');
      record({
        kind: 'respond',
        id,
        body: typeof body === 'object' && body !== null ? { ...body } : {},
        ...(fault && { failedWith: failureOf(fault) }),
      });
      if (answerFault(fault, response)) return;
      await holds.get('respond');
      const uses = (responseUses.get(id) ?? 0) + 1;
      responseUses.set(id, uses);
      if (uses > responseUrlPosts) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('used_url');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    if (request.method === 'GET' && path.startsWith('/files-pri/')) {
      return privateFiles.serve(path, authorization, response);
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendJson(response, 500, { ok: false, error: `fake_failure: ${String(error)}` });
    });
  });
  const socketMode = attachSocketMode(server, (message) => record({ kind: 'socket', message }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  state.url = url;

  return {
    url,
    apiUrl: `${url}/api/`,
    botToken,
    appToken,
    teamId,
    botUserId: state.botUserId,
    log,
    calls: (method) =>
      log.filter(
        (entry): entry is ApiCall =>
          entry.kind === 'api' && (method === undefined || entry.method === method),
      ),
    messages: () => [...state.messages.values()],
    shared: state.shared,
    responses: (id) =>
      log.filter(
        (entry): entry is Extract<Recorded, { kind: 'respond' }> =>
          entry.kind === 'respond' && (id === undefined || entry.id === id),
      ),
    responseUrl: () => `${url}/respond/${state.nextNumber()}`,
    hold(method) {
      let release = () => {};
      holds.set(
        method,
        new Promise<void>((resolve) => {
          release = () => {
            holds.delete(method);
            resolve();
          };
        }),
      );
      return { release: () => release() };
    },
    addFile(file) {
      const id = `F0IN${state.nextNumber()}`;
      const json = {
        id,
        name: file.name,
        mimetype: file.mimetype,
        filetype: file.name.split('.').pop() ?? '',
        size: file.bytes.length,
        url_private: `${url}/files-pri/${teamId}-${id}/${file.name}`,
        url_private_download: `${url}/files-pri/${teamId}-${id}/download/${file.name}`,
      };
      state.privateFiles.set(id, json);
      privateFiles.add(id, file);
      return file.partial ? { id, file_access: 'check_file_info' } : json;
    },
    setFilesScopeMissing: (missing) => privateFiles.setScopeMissing(missing),
    holdDownloads: () => privateFiles.hold(),
    fault(fault) {
      faults.push({ fault, remaining: fault.times ?? 1 });
    },
    setChaos(settings) {
      chaos = settings && platformChaos(settings);
    },
    chaosStats: () => chaos?.stats(),
    mark(label) {
      record({ kind: 'mark', label });
    },
    socketConnected: () => socketMode.connected(),
    socketSend: (message) => socketMode.send(message),
    async close() {
      socketMode.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
