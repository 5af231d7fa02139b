/**
 * The image client's own thread (started by client-thread.ts): it makes the image API calls, so that an answer
 * is read, and the next waiting call written, without waiting for the bot's thread, busy with stores, acks and
 * Slack or Discord posts. Each call's plan comes in; its images go back, moved, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogFields } from '../logger.js';
import {
  type ClientThreadOptions,
  errorToWire,
  type FromClientThread,
  planFromWire,
  resultToWire,
  type ToClientThread,
} from './client-thread-wire.js';
import { createImageClient } from './image-client.js';
import type { UpstreamObserver } from './upstream-observer.js';

const port = parentPort;
if (port === null) throw new Error('client-thread-worker.ts runs only as a worker thread');
let outbox: FromClientThread[] = [];
let outboxTransfer: ArrayBuffer[] = [];
/** One message a turn: an answer brings its result, a log line and observer events, each a message to clone. */
function flush(): void {
  port?.postMessage(outbox, outboxTransfer);
  outbox = [];
  outboxTransfer = [];
}
function post(message: FromClientThread, transfer: ArrayBuffer[] = []): void {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(message);
  outboxTransfer.push(...transfer);
}
const logTo =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (message: string, fields?: LogFields): void =>
    post({ type: 'log', level, message, ...(fields && { fields }) });

const client = createImageClient({
  ...(workerData as ClientThreadOptions),
  logger: { debug: logTo('debug'), info: logTo('info'), warn: logTo('warn'), error: logTo('error') },
});
const running = new Map<number, AbortController>();

function observerFor(id: number): UpstreamObserver {
  return {
    started: (event) => post({ type: 'observer', id, kind: 'started', event }),
    call: (event) => post({ type: 'observer', id, kind: 'call', event }),
    retry: (event) => post({ type: 'observer', id, kind: 'retry', event }),
    imageBytes: (event) => post({ type: 'observer', id, kind: 'imageBytes', event }),
  };
}

async function execute(id: number, message: Extract<ToClientThread, { type: 'execute' }>): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const result = await client.execute(planFromWire(message.plan), {
      signal: controller.signal,
      observer: observerFor(id),
    });
    const wire = resultToWire(result);
    post({ type: 'result', id, result: wire.result }, wire.transfer);
  } catch (error) {
    post({ type: 'error', id, error: errorToWire(error) });
  } finally {
    running.delete(id);
  }
}

port.on('message', (message: ToClientThread) => {
  if (message.type === 'execute') void execute(message.id, message);
  else if (message.type === 'abort') running.get(message.id)?.abort();
  else {
    for (const controller of running.values()) controller.abort();
    void client.close().finally(() => {
      post({ type: 'closed' });
      flush();
      port.close();
    });
  }
});
