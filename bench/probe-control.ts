/**
 * The big-images bench's control for its probes: a bare node:http server in a process of its own that answers
 * every request at once. Probed at the same instants as the bot, its delays are what the machine (2 cores shared
 * with the bot, the fakes and the bench), loopback and the probing process add by themselves — none of it the
 * bot's event loop. Tells the parent its port over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

export const controlReadySchema = z.object({ type: z.literal('ready'), port: z.number().int() });

function main(): void {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  process.on('disconnect', () => server.close());
}

// Only as the forked control: the bench imports the schema above and must not start a server of its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
