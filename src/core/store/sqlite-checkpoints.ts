import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { StoreLogger } from './store.js';

/** How often the worker copies the WAL back into the database file. */
const defaultIntervalMs = 1000;
/** SQLite's own default, restored when the worker is gone. */
const automaticCheckpointPages = 1000;
/** A failing checkpoint (a full disk) is logged at most this often. */
const failureLogIntervalMs = 60_000;
const failedSchema = z.object({ type: z.literal('failed'), message: z.string() });

export interface CheckpointWorker {
  /** Stops the worker (its connection closed) and gives checkpoints back to the main connection. */
  stop(): Promise<void>;
}

export interface CheckpointWorkerOptions {
  logger: StoreLogger;
  intervalMs?: number;
}

// CommonJS run by the worker (eval): its own connection, a PASSIVE checkpoint now and then, closed when asked.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) });
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints off the event loop. SQLite checkpoints inside whichever commit takes the WAL past 1,000 pages:
 * it copies the pages back into the database file and fsyncs both, and on the event loop that commit then takes
 * milliseconds instead of microseconds (about ten 5 ms stalls in one throughput bench run). A worker thread with
 * its own connection checkpoints every second instead (PASSIVE: it never blocks a writer), and the main
 * connection's automatic checkpoints are off while it runs. If the worker cannot start or dies, they come back.
 */
export function startCheckpointWorker(
  database: Database.Database,
  options: CheckpointWorkerOptions,
): CheckpointWorker {
  const { logger } = options;
  let stopping = false;
  let restored = false;
  let lastFailureLog = Number.NEGATIVE_INFINITY;
  const restoreAutomatic = (reason: string, error?: unknown) => {
    if (restored || !database.open) return;
    restored = true;
    database.pragma(`wal_autocheckpoint = ${automaticCheckpointPages}`);
    logger.warn('SQLite checkpoints are back on the main thread', {
      reason,
      ...(error !== undefined && { error: error instanceof Error ? error.message : String(error) }),
    });
  };
  const worker = new Worker(workerSource, {
    eval: true,
    // Nothing of the parent's loaders (tsx) is needed to run plain CommonJS.
    execArgv: [],
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: database.name,
      intervalMs: options.intervalMs ?? defaultIntervalMs,
      // The worker waits for a lock as long as the main connection does.
      busyTimeoutMs: Number(database.pragma('busy_timeout', { simple: true })),
    },
  });
  // A checkpoint is never a reason to keep the process alive; the next open finds any WAL left.
  worker.unref();
  database.pragma('wal_autocheckpoint = 0');
  worker.on('message', (message: unknown) => {
    const failed = failedSchema.safeParse(message);
    if (!failed.success || Date.now() - lastFailureLog < failureLogIntervalMs) return;
    lastFailureLog = Date.now();
    logger.warn('a SQLite checkpoint failed', { error: failed.data.message });
  });
  worker.on('error', (error) => restoreAutomatic('the checkpoint worker failed', error));
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping) restoreAutomatic('the checkpoint worker exited');
      resolve();
    });
  });
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      if (database.open) database.pragma(`wal_autocheckpoint = ${automaticCheckpointPages}`);
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
