import type { ProgressEvent } from '../core/jobs/job.js';
import type { Logger } from '../core/logger.js';
import { progressText } from './replies/index.js';

export interface ProgressOptions {
  now(): number;
  /** The least time between two renders (Discord and Slack rate-limit message edits). */
  intervalMs: number;
  /** Stop rendering after this many (a Slack response_url takes five posts in all). */
  maxRenders?: number;
  /**
   * When the acknowledgement already showed a "queued" note: it counts as the first render, so nothing is
   * rendered until `intervalMs` after it (in a burst, an immediate render competes with the other acks).
   */
  acknowledgedAt?: number;
  logger: Pick<Logger, 'warn'>;
}

export interface ProgressView {
  /** For `CommandContext.onProgress`: renders the event unless one was shown too recently. */
  update(event: ProgressEvent): void;
  /** Stops rendering and waits for the renders already queued, so the final reply is never overwritten by progress. */
  settle(): Promise<void>;
}

/**
 * A job's progress (queue position, then elapsed time) as throttled renders: the first event at once (or
 * `intervalMs` after the acknowledgement that showed a note), later ones only `intervalMs` after the last render (the next one shows the newer state), repeats skipped; final events are
 * left to the reply. Renders run one after another, never overlapping. Every platform adapter uses this one.
 */
export function throttledProgress(
  render: (text: string) => Promise<unknown>,
  options: ProgressOptions,
): ProgressView {
  let chain: Promise<void> = Promise.resolve();
  let lastText: string | undefined;
  let lastAt = options.acknowledgedAt ?? Number.NEGATIVE_INFINITY;
  let renders = 0;
  let settled = false;
  return {
    update(event) {
      if (settled || event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') return;
      // Cheapest checks first: in a burst, every job start moves every queued job's position, so this runs
      // (queued jobs × starts) times, and nearly all of them end at the interval.
      const now = options.now();
      if (now - lastAt < options.intervalMs) return;
      if (options.maxRenders !== undefined && renders >= options.maxRenders) return;
      const text = progressText(event);
      if (text === lastText) return;
      lastText = text;
      lastAt = now;
      renders += 1;
      chain = chain.then(() =>
        render(text).then(
          () => undefined,
          (error: unknown) => options.logger.warn('could not show progress', { error }),
        ),
      );
    },
    async settle() {
      settled = true;
      await chain;
    },
  };
}
