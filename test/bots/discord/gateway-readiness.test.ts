import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { type OperatorServer, startOperatorServer } from '../../../src/core/observe/operator-server.js';
import { type DiscordHarness, startDiscordHarness } from './discord-harness.js';

async function readyz(server: OperatorServer): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** Asks until /readyz answers 503 (discord.js notices the closed socket on its own time). */
async function firstUnavailable(server: OperatorServer): Promise<{ status: number; body: unknown }> {
  for (let tries = 0; tries < 1500; tries += 1) {
    const answer = await readyz(server);
    if (answer.status === 503) return answer;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('/readyz never answered 503');
}

describe('readiness of the Discord front end', () => {
  let harness: DiscordHarness | undefined;
  let server: OperatorServer | undefined;
  afterEach(async () => {
    await server?.close();
    await harness?.close();
  });

  it('is ready while the gateway is connected, and names the gateway once Discord goes away', async () => {
    harness = await startDiscordHarness();
    server = await startOperatorServer({
      host: '127.0.0.1',
      port: 0,
      readiness: harness.app.readiness,
      metrics: harness.app.metrics,
      logger: createLogger({ level: 'silent' }),
    });
    expect(await readyz(server)).toStrictEqual({
      status: 200,
      body: { status: 'ok', checks: { store: 'ok', imageStore: 'ok', queue: 'ok', discord: 'ok' } },
    });

    // The fake's gateway and REST go down: discord.js tries to reconnect, the shard is no longer ready.
    await harness.discord.close();
    expect(await firstUnavailable(server)).toStrictEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: { store: 'ok', imageStore: 'ok', queue: 'ok', discord: 'gateway not connected' },
      },
    });
  });
});
