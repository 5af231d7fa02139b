import type { Job } from '../../core/jobs/job.js';
import type { ModelRow } from '../../core/models/index.js';

const maxRevisedPrompt = 300;
const maxWarning = 200;
const maxFootnoteLines = 3;

/**
 * One or two short lines under a result: `Nano Banana Pro · 16:9 · 2K · seed 42 · 12.3 s`, then the prompt the
 * model really used when it rewrote ours (users otherwise wonder why the picture differs from what they asked).
 */
export function caption(
  job: Job,
  row: ModelRow | undefined,
  options: { elapsedMs?: number; resized?: string; origin?: string } = {},
): string {
  const parts = [row?.displayName ?? job.modelUsed ?? job.options.model];
  // What the model got (a ratio it lacks became its nearest size), else what was asked for.
  const size = job.sent?.size ?? job.options.size;
  const resolution = job.sent?.resolution ?? job.options.resolution;
  if (size !== undefined) parts.push(size);
  if (resolution !== undefined) parts.push(resolution);
  // A seed the model does not take was not sent (the footnote says so): showing it would suggest it counted.
  if (job.options.seed !== undefined && (row === undefined || row.options.seed !== undefined)) {
    parts.push(`seed ${job.options.seed}`);
  }
  if (options.elapsedMs !== undefined) parts.push(formatSeconds(options.elapsedMs));
  if (options.resized !== undefined && options.resized !== '') parts.push(options.resized);
  if (options.origin !== undefined) parts.push(options.origin);
  const lines = [parts.join(' · ')];
  const revised = job.revisedPrompt?.trim();
  if (revised && revised !== job.options.prompt.trim()) {
    lines.push(`revised prompt: ${trimText(oneLine(revised), maxRevisedPrompt)}`);
  }
  return lines.join('\n');
}

/**
 * Warnings as `⚠ …` lines, at most three, then `+N more` (or what `more` says, e.g. where to read them all);
 * undefined when there is nothing to say.
 */
export function footnote(
  warnings: readonly string[],
  more: (hidden: number) => string = (hidden) => `+${hidden} more`,
): string | undefined {
  const shown = warnings.map((warning) => oneLine(warning)).filter((warning) => warning !== '');
  if (shown.length === 0) return undefined;
  const lines = shown.slice(0, maxFootnoteLines).map((warning) => `⚠ ${trimText(warning, maxWarning)}`);
  if (shown.length > maxFootnoteLines) lines.push(more(shown.length - maxFootnoteLines));
  return lines.join('\n');
}

/** `12.3 s`; whole minutes and up read `2 min 5 s`. */
export function formatSeconds(milliseconds: number): string {
  const tenths = Math.round(Math.max(0, milliseconds) / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(tenths / 10);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Cuts at `maxLength` characters (code points, so an emoji is never split), ending with `…`. */
export function trimText(text: string, maxLength: number): string {
  const characters = Array.from(text);
  if (characters.length <= maxLength) return text;
  return `${characters
    .slice(0, maxLength - 1)
    .join('')
    .trimEnd()}…`;
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
