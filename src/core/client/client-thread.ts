import { Worker } from 'node:worker_threads';
import { cancelledError, ImagineError } from '../errors.js';
import {
  type ClientThreadOptions,
  errorFromWire,
  type FromClientThread,
  planToWire,
  resultFromWire,
  type ToClientThread,
} from './client-thread-wire.js';
import type { ClientLogger, ExecuteOptions, ImageClient } from './image-client.js';
import type { UpstreamObserver } from './upstream-observer.js';

interface Pending {
  resolve: (result: ReturnType<typeof resultFromWire>) => void;
  reject: (error: Error) => void;
  observer: UpstreamObserver | undefined;
  signal: AbortSignal | undefined;
  cleanUp: () => void;
}

const workerFile = new URL(
  import.meta.url.endsWith('.ts') ? './client-thread-worker.ts' : './client-thread-worker.js',
  import.meta.url,
);

/**
 * The thread, with none of the process's Node flags (a thread refuses process-wide ones such as
 * `--v8-pool-size`). From the source tree (tests, benches), tsx's loader is registered in the thread first.
 */
function startWorker(workerData: ClientThreadOptions): Worker {
  if (!workerFile.pathname.endsWith('.ts')) return new Worker(workerFile, { workerData, execArgv: [] });
  // Resolved here: an eval'd thread resolves bare names from the working directory, which may be anywhere.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerFile.href)}); })`;
  return new Worker(source, { eval: true, workerData, execArgv: [] });
}

const silentLogger: ClientLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The image client on a thread of its own (client-thread-worker.ts), behind the same `ImageClient`: the bot's
 * thread posts each call's plan and gets its images back. A call's answer is read and the next waiting call sent
 * there, without waiting for whatever the bot's thread is doing. The calls waiting for one of `concurrency` slots
 * wait there too, ready to go. Log lines and observer events come back to the bot's logger and observers.
 */
export function createThreadedImageClient(
  options: ClientThreadOptions & {
    logger?: ClientLogger;
    /** Told of each thread as it starts (the first call starts one, and the call after one died). */
    onThreadStart?: (thread: Worker) => void;
  },
): ImageClient {
  const { logger = silentLogger, onThreadStart, ...threadOptions } = options;
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;
  let worker: Worker | undefined;

  function failAll(error: Error): void {
    for (const call of pending.values()) {
      call.cleanUp();
      call.reject(error);
    }
    pending.clear();
  }

  function onMessage(message: FromClientThread): void {
    if (message.type === 'log') {
      logger[message.level](message.message, message.fields);
      return;
    }
    if (message.type === 'closed') return;
    const call = pending.get(message.id);
    if (call === undefined) return;
    if (message.type === 'observer') {
      // The union's pairing of kind and event is lost through the index; each pair is the observer's own.
      (call.observer?.[message.kind] as ((event: unknown) => void) | undefined)?.(message.event);
      return;
    }
    pending.delete(message.id);
    call.cleanUp();
    if (message.type === 'result') call.resolve(resultFromWire(message.result));
    else if (call.signal?.aborted) call.reject(cancelledError(call.signal.reason));
    else call.reject(errorFromWire(message.error));
  }

  function started(): Worker {
    if (worker !== undefined) return worker;
    const thread = startWorker(threadOptions);
    thread.on('message', (messages: FromClientThread[]) => {
      for (const message of messages) onMessage(message);
    });
    thread.on('error', (error) => {
      logger.error('image client thread failed', { error: error.message });
    });
    thread.on('exit', (exitCode) => {
      if (worker === thread) worker = undefined;
      if (pending.size === 0) return;
      logger.error('image client thread stopped with calls in flight', { exitCode, calls: pending.size });
      failAll(new ImagineError('network', 'The image service connection was lost. Please try again.'));
    });
    worker = thread;
    onThreadStart?.(thread);
    return thread;
  }

  const send = (message: ToClientThread) => started().postMessage(message);

  return {
    execute(plan, executeOptions: ExecuteOptions = {}) {
      const { signal, observer } = executeOptions;
      if (closed) return Promise.reject(new ImagineError('cancelled', 'The image client is closed.'));
      if (signal?.aborted) return Promise.reject(cancelledError(signal.reason));
      const id = nextId;
      nextId += 1;
      return new Promise((resolve, reject) => {
        // Cancelled: the thread aborts the call and tells of its end (the observer hears of the aborted attempt
        // first, as in process); the caller then gets the cancellation with its own reason.
        const onAbort = () => send({ type: 'abort', id });
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          resolve,
          reject,
          observer,
          signal,
          cleanUp: () => signal?.removeEventListener('abort', onAbort),
        });
        try {
          send({ type: 'execute', id, plan: planToWire(plan) });
        } catch (error) {
          // A plan that cannot cross (nothing the planner makes): this call fails, nothing stays listed.
          pending.delete(id);
          signal?.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      const thread = worker;
      if (thread === undefined) return;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage({ type: 'close' } satisfies ToClientThread);
      await exited;
      failAll(new ImagineError('cancelled', 'The image client is closed.'));
    },
  };
}
