import { progressText } from '../../commands/replies/index.js';
import type { ProgressEvent } from '../../core/jobs/job.js';
import type { Logger } from '../../core/logger.js';

export interface ProgressOptions {
  now(): number;
  /** The least time between two renders (Slack's chat.update allows about one a second per channel). */
  intervalMs: number;
  /** Stop rendering after this many (a response_url takes five posts in all). */
  maxRenders?: number;
  logger: Logger;
}

export interface ProgressView {
  /** For `CommandContext.onProgress`: renders the event unless one was shown too recently. */
  update(event: ProgressEvent): void;
  /** Waits for renders in flight; later events are ignored. */
  settle(): Promise<void>;
}

/**
 * Queue position and elapsed time, throttled: an event arriving within `intervalMs` of the last render is
 * dropped (the next one shows the newer state). Renders run one after another, never overlapping.
 */
export function throttledProgress(
  render: (text: string) => Promise<void>,
  options: ProgressOptions,
): ProgressView {
  let chain = Promise.resolve();
  let lastText: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  let renders = 0;
  let settled = false;
  return {
    update(event) {
      // The result replaces the progress; a failure arrives as a reply of its own.
      if (settled || event.type === 'done' || event.type === 'failed') return;
      const text = progressText(event);
      const now = options.now();
      if (text === lastText || now - lastAt < options.intervalMs) return;
      if (options.maxRenders !== undefined && renders >= options.maxRenders) return;
      lastText = text;
      lastAt = now;
      renders += 1;
      chain = chain.then(() =>
        render(text).catch((error: unknown) => options.logger.warn('could not show progress', { error })),
      );
    },
    async settle() {
      settled = true;
      await chain;
    },
  };
}
