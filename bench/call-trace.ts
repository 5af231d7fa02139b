/**
 * `BENCH_CALL_TRACE=1` (the bot of the throughput and big-images benches, and the throughput baseline): one line on
 * stderr, when the bot is killed or the baseline is done, telling where each image API call's time went, from
 * undici's diagnostics channels: the client's own path from one call's answer to the next call's request (answer
 * k → request k + slots, in order), and undici's wait between creating a request and writing its headers (a
 * reused keep-alive socket is first checked for stray bytes in the event loop's check phase, so the write waits
 * for the rest of the turn's callbacks). The bot makes its calls on its image client's thread, which a
 * subscription on its main thread does not see: its line says so.
 */
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { median, percentile } from './bench-support.js';

interface Timeline {
  created: number[];
  answered: number[];
  /** Each written request: when it was created, and how long until its headers were written. */
  writes: { createdAt: number; waitMs: number }[];
}

const isGeneration = (message: unknown): boolean =>
  typeof message === 'object' &&
  message !== null &&
  'request' in message &&
  typeof message.request === 'object' &&
  message.request !== null &&
  'path' in message.request &&
  String(message.request.path).includes('/images/generations');

/** When the last burst of calls began: the first call made after a pause of a second or more (a warm-up's end). */
function lastBurstStart(created: readonly number[]): number {
  let start = created[0] ?? 0;
  for (let index = 1; index < created.length; index += 1) {
    const at = created[index] ?? 0;
    if (at - (created[index - 1] ?? at) >= 1000) start = at;
  }
  return start;
}

function summary(timeline: Timeline, slots: number): string {
  const sorted = (values: number[]) => [...values].sort((left, right) => left - right);
  const allCreated = sorted(timeline.created);
  const start = lastBurstStart(allCreated);
  const created = allCreated.filter((at) => at >= start);
  if (created.length === 0) {
    return "call trace: no generation calls on this thread (the bot makes them on its image client's thread, whose diagnostics channels this thread does not see)";
  }
  const answered = sorted(timeline.answered).filter((at) => at >= start);
  const ownPath = created.slice(slots).map((at, index) => at - (answered[index] ?? at));
  const writeWaits = timeline.writes.filter((write) => write.createdAt >= start).map((write) => write.waitMs);
  const format = (values: number[]) =>
    `median ${median(values).toFixed(2)} ms, p90 ${percentile(values, 0.9).toFixed(2)} ms`;
  return (
    `call trace: the last burst's ${created.length} generation calls; answer → next request created: ` +
    `${format(ownPath)}; request created → headers written: ${format(writeWaits)}`
  );
}

/**
 * Starts tracing. `summary()` tells the last burst (also printed when the process is killed); `forget()` drops what
 * was seen so far (a warm-up less than a second before the burst).
 */
export function traceImageCalls(slots: number): { summary: () => string; forget: () => void } {
  const timeline: Timeline = { created: [], answered: [], writes: [] };
  const createdAt = new WeakMap<object, number>();
  const requestOf = (message: unknown) => (message as { request: object }).request;
  diagnostics.subscribe('undici:request:create', (message) => {
    if (!isGeneration(message)) return;
    const now = performance.now();
    timeline.created.push(now);
    createdAt.set(requestOf(message), now);
  });
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    if (!isGeneration(message)) return;
    const created = createdAt.get(requestOf(message));
    if (created !== undefined)
      timeline.writes.push({ createdAt: created, waitMs: performance.now() - created });
  });
  diagnostics.subscribe('undici:request:trailers', (message) => {
    if (isGeneration(message)) timeline.answered.push(performance.now());
  });
  process.prependOnceListener('SIGTERM', () => {
    console.error(summary(timeline, slots));
    // Alone, this listener would keep the process from dying of the signal.
    if (process.listenerCount('SIGTERM') === 0) process.exit(0);
  });
  return {
    summary: () => summary(timeline, slots),
    forget: () => {
      for (const list of Object.values(timeline)) list.length = 0;
    },
  };
}
