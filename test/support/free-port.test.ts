import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';

async function ephemeralRange(): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const [low, high] = text.trim().split(/\s+/).map(Number);
  return [low ?? 32768, high ?? 60999];
}

describe('freePort (for a bot started with METRICS_PORT=0 beside it)', () => {
  it('gives ports outside the range listen(0) draws from, so another server cannot take one first', async () => {
    const [low, high] = await ephemeralRange();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) expect(port < low || port > high).toBe(true);

    // And the port is really free: a server listens on it.
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
