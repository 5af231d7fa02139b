import type { Job } from '../../core/jobs/job.js';
import type { ModelRow } from '../../core/models/index.js';

const maxRevisedPrompt = 300;
const maxWarning = 200;
const maxFootnoteLines = 3;

/**
 * One or two short lines under a result: `Nano Banana Pro · 16:9 · 2K · 12.3 s · id k3J9xQ2mPz1a`, then the prompt
 * the model really used when it rewrote ours (users otherwise wonder why the picture differs from what they asked).
 * Size, tier and seeds are those sent on the wire, never what was asked and not sent.
 */
export function caption(
  job: Job,
  row: ModelRow | undefined,
  options: { elapsedMs?: number; resized?: string; origin?: string } = {},
): string {
  const parts = [row?.displayName ?? job.modelUsed ?? job.options.model];
  const sent = job.sent ?? askedBeforeSentWasKept(job, row);
  if (sent.size !== undefined) parts.push(sent.size);
  if (sent.resolution !== undefined) parts.push(sent.resolution);
  const seeds = seedText(sent.seeds ?? []);
  if (seeds !== undefined) parts.push(seeds);
  const shortfall = shortfallText(job);
  if (shortfall !== undefined) parts.push(shortfall);
  if (options.elapsedMs !== undefined) parts.push(formatSeconds(options.elapsedMs));
  if (options.resized !== undefined && options.resized !== '') parts.push(options.resized);
  if (options.origin !== undefined) parts.push(options.origin);
  // The short result id: `--sref <id>` takes it.
  parts.push(`id ${job.id}`);
  const lines = [parts.join(' · ')];
  const revised = job.revisedPrompt?.trim();
  if (revised && revised !== job.options.prompt.trim()) {
    lines.push(`revised prompt: ${trimText(oneLine(revised), maxRevisedPrompt)}`);
  }
  return lines.join('\n');
}

/** Jobs stored before `sent` existed: what was asked, with a seed only where the model takes one. */
function askedBeforeSentWasKept(job: Job, row: ModelRow | undefined): NonNullable<Job['sent']> {
  const seed = job.options.seed;
  return {
    ...(job.options.size !== undefined && { size: job.options.size }),
    ...(job.options.resolution !== undefined && { resolution: job.options.resolution }),
    ...(seed !== undefined && (row === undefined || row.options.seed !== undefined) && { seeds: [seed] }),
  };
}

/**
 * `seed 7`, `seeds 7, 8, 9, 10` (one per image, in order); when one call made several images they share its seed,
 * and the caption says so rather than suggesting each image had its own.
 */
function seedText(seeds: readonly number[]): string | undefined {
  const [first] = seeds;
  if (first === undefined) return undefined;
  if (seeds.length === 1) return `seed ${first}`;
  if (seeds.every((seed) => seed === first))
    return `seed ${first} (one call made all ${seeds.length} images)`;
  return `seeds ${seeds.join(', ')}`;
}

/** `1 of 3 images came back` when the model answered with fewer images than were asked. */
export function shortfallText(job: Job): string | undefined {
  const asked = job.sent?.asked;
  if (asked === undefined) return undefined;
  const received = job.resultImages.length;
  return received < asked ? `${received} of ${asked} images came back` : undefined;
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
