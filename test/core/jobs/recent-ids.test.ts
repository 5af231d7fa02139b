import { describe, expect, it } from 'vitest';
import { createRecentIds } from '../../../src/core/jobs/recent-ids.js';

describe('createRecentIds', () => {
  it('remembers an id until keepMs after it was added, then forgets it', () => {
    let now = 1000;
    const ids = createRecentIds(60_000, () => now);
    ids.add('job-1');
    now += 59_999;
    expect(ids.has('job-1')).toBe(true);
    now += 1;
    expect(ids.has('job-1')).toBe(false);
    expect(ids.size).toBe(0);
  });

  it('does not grow with ids nobody asks about again: old ones go as new ones come', () => {
    let now = 0;
    const ids = createRecentIds(1000, () => now);
    for (let index = 0; index < 10_000; index += 1) {
      ids.add(`job-${index}`);
      now += 10;
    }
    // Only the last second's ids (100 of them) are left.
    expect(ids.size).toBe(100);
    expect(ids.has('job-9999')).toBe(true);
    expect(ids.has('job-9899')).toBe(false);
  });

  it('counts keepMs from the latest add of an id', () => {
    let now = 0;
    const ids = createRecentIds(1000, () => now);
    ids.add('job-1');
    ids.add('job-2');
    now = 900;
    ids.add('job-1');
    now = 1500;
    expect(ids.has('job-2')).toBe(false);
    expect(ids.has('job-1')).toBe(true);
    now = 1900;
    expect(ids.has('job-1')).toBe(false);
  });
});
