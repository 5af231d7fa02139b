import { parseArgs } from 'node:util';
import { invalidOption } from '../core/errors.js';
import { startFakeImageApi } from '../dev/fake-image-api/index.js';
import type { CliIo } from './io.js';

/** `imagine-bot fake-api --port 8787`: the fake image API, for trying the bot with no key. Runs until Ctrl-C. */
export async function runFakeApi(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: 'string', default: '8787' }, host: { type: 'string', default: '127.0.0.1' } },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalidOption('port', `--port takes a port number 0–65535 (got "${values.port}").`);
  }
  const fake = await startFakeImageApi({ port, host: values.host });
  io.stdout(`Fake image API listening on ${fake.url}\n`);
  io.stdout(`Point the bot at it: IMAGE_API_BASE_URL=${fake.url} IMAGE_API_KEY=fake\n`);
  await new Promise<void>((resolve) => {
    const stop = io.onInterrupt(() => {
      stop();
      resolve();
    });
    process.once('SIGTERM', () => resolve());
  });
  await fake.close();
  return 0;
}
