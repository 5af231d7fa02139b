/* What every bench shares: waiting for a child process's message, and the statistics of a set of runs. */
import type { ChildProcess } from 'node:child_process';
import type { z } from 'zod';

/** The child's next IPC message, checked against `schema`; rejects when it exits first or takes over `timeoutMs`. */
export function waitForMessage<T>(
  child: ChildProcess,
  schema: z.ZodType<T>,
  what: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${what} did not report within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      const parsed = schema.safeParse(message);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`${what} sent an unexpected message: ${parsed.error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${signal ?? code}) before reporting`));
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
