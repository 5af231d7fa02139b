import { describe, expect, it } from 'vitest';
import { throttledProgress } from '../../src/commands/throttled-progress.js';
import { createLogger } from '../../src/core/logger.js';

describe('progress throttling', () => {
  it('renders the first event at once, then at most one per interval, skipping repeats and the end', async () => {
    let now = 0;
    const shown: string[] = [];
    const progress = throttledProgress(
      async (text) => {
        shown.push(text);
      },
      { now: () => now, intervalMs: 3000, logger: createLogger({ level: 'silent' }) },
    );
    const jobId = 'job';
    progress.update({ jobId, type: 'queued', position: 3 });
    now = 1000;
    progress.update({ jobId, type: 'queued', position: 2 });
    now = 3000;
    progress.update({ jobId, type: 'queued', position: 2 });
    now = 3500;
    progress.update({ jobId, type: 'running', elapsedMs: 500 });
    now = 6000;
    progress.update({ jobId, type: 'running', elapsedMs: 3000 });
    progress.update({ jobId, type: 'done' });
    await progress.settle();
    now = 20_000;
    progress.update({ jobId, type: 'running', elapsedMs: 17_000 });
    expect(shown).toEqual(['⏳ Queued — #3 in line', '⏳ Queued — #2 in line', '🎨 Working… 3 s']);
  });
});
