import type { EventEmitter } from 'node:events';
import type { Logger } from '../core/logger.js';

/** The log line an operator (and the soak bench) counts. */
export const unhandledRejectionMessage = 'unhandled rejection';

/**
 * Logs every promise rejection nothing handled as one error line with a running count (and the first frames of
 * its stack), and keeps the process serving: one lost promise must not take every running job down with it.
 * Returns a function that stops watching.
 */
export function logUnhandledRejections(
  logger: Pick<Logger, 'error'>,
  target: Pick<EventEmitter, 'on' | 'off'> = process,
): () => void {
  let count = 0;
  const listener = (reason: unknown) => {
    count += 1;
    const frames = reason instanceof Error ? reason.stack?.split('\n').slice(1, 5) : undefined;
    logger.error(unhandledRejectionMessage, {
      count,
      error: reason,
      ...(frames && { at: frames.map((frame) => frame.trim()) }),
    });
  };
  target.on('unhandledRejection', listener);
  return () => {
    target.off('unhandledRejection', listener);
  };
}
