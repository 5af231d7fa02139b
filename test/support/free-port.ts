import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Below Linux's ephemeral range (32768–60999 by default): a port the kernel hands out for `listen(0)` or an outgoing
 * connection is never taken from here, so a port found free stays free until the test's process listens on it.
 * Taking `listen(0)`'s port and closing it raced: a bot's METRICS_PORT=0 server once got that very port first.
 */
const lowest = 20_000;
const highest = 32_767;

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  return listening;
}

/** A port nothing listens on right now and the kernel will not give away (for PORT, or a URL that must refuse). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries += 1) {
    const port = randomInt(lowest, highest + 1);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${lowest} and ${highest} after 100 tries`);
}
