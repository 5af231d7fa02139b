/**
 * The operators' HTTP server (METRICS_HOST:METRICS_PORT), apart from Slack's PORT:
 * - `GET /healthz`: 200 `{"status":"ok"}` whenever the event loop turns (answering at all is the proof);
 * - `GET /readyz`: 200 when every part's readiness check passes, else 503 naming each part and why;
 * - `GET /metrics`: the app's Prometheus registry in the text format.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImagineError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface OperatorServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  readiness: Pick<Readiness, 'run'>;
  metrics: Metrics | undefined;
  logger: Pick<Logger, 'warn' | 'info'>;
}

export interface OperatorServer {
  /** `http://host:port`, with the port actually taken. */
  url: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

export async function startOperatorServer(options: OperatorServerOptions): Promise<OperatorServer> {
  const { readiness, metrics, logger } = options;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://operator').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (path === '/readyz') {
      const report = await readiness.run();
      return sendJson(response, report.ready ? 200 : 503, {
        status: report.ready ? 'ok' : 'unavailable',
        checks: report.checks,
      });
    }
    if (path === '/metrics' && metrics !== undefined) {
      const text = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(text);
      return;
    }
    sendJson(response, 404, { error: 'not found', endpoints: ['/healthz', '/readyz', '/metrics'] });
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      logger.warn('operator endpoint failed', { path: request.url, error });
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  // Probes come often; a kept-alive socket must not hold the process at shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw listenError(error, options);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listenError(error: unknown, where: { host: string; port: number }): unknown {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  if (code === 'EADDRINUSE') {
    return new ImagineError('config', `METRICS_PORT ${where.port} is already in use.`, {
      option: 'METRICS_PORT',
      cause: error,
    });
  }
  if (typeof code === 'string') {
    return new ImagineError(
      'config',
      `could not listen on METRICS_HOST ${where.host}, METRICS_PORT ${where.port} (${code}).`,
      { option: 'METRICS_PORT', cause: error },
    );
  }
  return error;
}
