import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config.js';
import { ImagineError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { type OperatorServer, startOperatorServer } from '../../../src/core/observe/operator-server.js';

const config = parseConfig({
  IMAGE_API_KEY: 'sk-SENTINEL-operator-server',
  IMAGE_API_BASE_URL: 'http://127.0.0.1:9',
  STORE_URL: 'memory://',
  IMAGE_STORE_URL: 'memory://',
});
const logger = createLogger({ level: 'silent' });

async function read(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? '' : JSON.parse(text) };
}

describe('the operator server of an app', () => {
  const opened: { app: App; server: OperatorServer }[] = [];
  const open = async () => {
    const app = await createApp(config, { logger, metrics: true });
    const server = await startOperatorServer({
      host: '127.0.0.1',
      port: 0,
      readiness: app.readiness,
      metrics: app.metrics,
      logger,
    });
    opened.push({ app, server });
    return { app, server };
  };
  afterEach(async () => {
    for (const { app, server } of opened.splice(0)) {
      await server.close();
      await app.close();
    }
  });

  it('is ready while the store answers, and names the store once it is closed', async () => {
    const { app, server } = await open();
    expect(await read(`${server.url}/readyz`)).toStrictEqual({
      status: 200,
      body: { status: 'ok', checks: { store: 'ok', imageStore: 'ok', queue: 'ok' } },
    });

    await app.store.close();
    expect(await read(`${server.url}/readyz`)).toStrictEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: {
          store: 'The memory store is closed; it cannot save a value.',
          imageStore: 'ok',
          queue: 'ok',
        },
      },
    });
    // Alive all the same: the process and its event loop are.
    expect(await read(`${server.url}/healthz`)).toStrictEqual({ status: 200, body: { status: 'ok' } });
  });

  it('reports a check that throws or hangs by name, and the others as they are', async () => {
    const { app, server } = await open();
    app.readiness.add('slack', () => 'not listening for events');
    app.readiness.add('flaky', () => {
      throw new Error('boom with sk-SENTINEL-operator-server inside\nsecond line');
    });
    expect(await read(`${server.url}/readyz`)).toStrictEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: {
          store: 'ok',
          imageStore: 'ok',
          queue: 'ok',
          slack: 'not listening for events',
          flaky: 'boom with [redacted] inside',
        },
      },
    });
  });

  it('keeps a registry per app, so two apps count apart', async () => {
    const first = await open();
    const second = await open();
    first.app.services.events.quotaRefused('user_daily');
    const text = async (server: OperatorServer) => (await fetch(`${server.url}/metrics`)).text();
    expect(await text(first.server)).toContain('\nimagine_quota_refusals_total{reason="user_daily"} 1\n');
    expect(await text(second.server)).not.toContain('imagine_quota_refusals_total{');
  });

  it('answers 404 elsewhere and 405 to anything but GET and HEAD', async () => {
    const { server } = await open();
    expect(await read(`${server.url}/`)).toStrictEqual({
      status: 404,
      body: { error: 'not found', endpoints: ['/healthz', '/readyz', '/metrics'] },
    });
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${server.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('names METRICS_PORT when the port is taken', async () => {
    const { app, server } = await open();
    const taken = startOperatorServer({
      host: '127.0.0.1',
      port: server.port,
      readiness: app.readiness,
      metrics: app.metrics,
      logger,
    });
    await expect(taken).rejects.toStrictEqual(
      new ImagineError('config', `METRICS_PORT ${server.port} is already in use.`, {
        option: 'METRICS_PORT',
      }),
    );
  });
});
