import { progressText } from '../../commands/replies/index.js';
import type { ProgressEvent } from '../../core/jobs/job.js';
import type { Logger } from '../../core/logger.js';

export interface ProgressRenderer {
  update(event: ProgressEvent): void;
  /** Stops rendering and waits for an edit in flight, so the final reply is never overwritten by progress. */
  close(): Promise<void>;
}

export interface ProgressOptions {
  show(text: string): Promise<unknown>;
  now(): number;
  /** At most one edit per this many milliseconds (Discord rate-limits message edits). */
  minIntervalMs: number;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Renders a job's progress (queue position, then elapsed time) as throttled edits: the first event at once, later
 * ones only after `minIntervalMs`; final events are left to the result reply. Edits go one at a time, in order.
 */
export function createProgressRenderer(options: ProgressOptions): ProgressRenderer {
  let chain: Promise<void> = Promise.resolve();
  let shownAt: number | undefined;
  let shownText: string | undefined;
  let closed = false;
  return {
    update(event) {
      if (closed || event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') return;
      const text = progressText(event);
      const now = options.now();
      if (text === shownText) return;
      if (shownAt !== undefined && now - shownAt < options.minIntervalMs) return;
      shownAt = now;
      shownText = text;
      chain = chain
        .then(() => (closed ? undefined : options.show(text)))
        .then(
          () => undefined,
          (error: unknown) => {
            options.logger.warn('Discord: could not show progress', { error });
          },
        );
    },
    async close() {
      closed = true;
      await chain;
    },
  };
}
