import { progressText } from '../../commands/replies/index.js';
import type { ProgressEvent } from '../../core/jobs/job.js';

/** Carriage return, then erase the whole line (ANSI EL2). */
const rewriteLine = '\r\u001b[2K';

export interface ProgressLine {
  update(event: ProgressEvent): void;
  /** Erases the line (on a terminal) so a reply can be printed in its place. */
  clear(): void;
  /** Forgets every job: the request they belong to is over. */
  reset(): void;
  /**
   * The user started typing on the terminal: the line is theirs now. The progress shown so far stays as a line
   * of its own and nothing is rewritten until `resume` (their line was entered), so what they type is never glued
   * to the progress text nor erased by it.
   */
  yieldToTyping(): void;
  /** The typed line was entered (the cursor is on a fresh line): progress is drawn again. */
  resume(): void;
}

/**
 * Job progress on ONE line that rewrites itself on a terminal, or as plain lines when it changes elsewhere (a
 * pipe, a log). Several jobs (a compare) share the line. Failures and cancels are left to the reply.
 */
export function createProgressLine(options: { write(text: string): void; isTty: boolean }): ProgressLine {
  const states = new Map<string, string>();
  let shown = '';
  let typing = false;

  function render(): void {
    if (typing) return;
    const text = [...states.values()].join('  ·  ');
    if (text === shown) return;
    if (options.isTty) options.write(text === '' ? rewriteLine : `${rewriteLine}${text}`);
    else if (text !== '') options.write(`${text}\n`);
    shown = text;
  }

  function clear(): void {
    if (options.isTty && shown !== '') options.write(rewriteLine);
    shown = '';
  }

  return {
    update(event) {
      if (event.type === 'failed' || event.type === 'cancelled') states.delete(event.jobId);
      else states.set(event.jobId, progressText(event));
      render();
    },
    clear,
    reset() {
      states.clear();
      clear();
    },
    yieldToTyping() {
      if (!options.isTty || typing) return;
      if (shown !== '') options.write('\n');
      shown = '';
      typing = true;
    },
    resume() {
      if (!typing) return;
      typing = false;
      render();
    },
  };
}
