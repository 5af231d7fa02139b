import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSliceBytes, sha256HexInChunks } from '../../../src/core/store/image-store.js';
import { turnCounter } from '../../support/turn-counter.js';

const plainSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256HexInChunks', () => {
  it('hashes as one createHash does, at and around the slice edges', async () => {
    for (const length of [
      0,
      1,
      hashSliceBytes - 1,
      hashSliceBytes,
      hashSliceBytes + 1,
      3 * hashSliceBytes + 5,
    ]) {
      const bytes = randomBytes(length);
      expect(await sha256HexInChunks(bytes)).toBe(plainSha256(bytes));
    }
  });

  it('hashes one slice per turn of the event loop, however many images hash at once', async () => {
    const images = Array.from({ length: 4 }, () => randomBytes(2 * hashSliceBytes));
    const turns = turnCounter();
    const hashes = await Promise.all(images.map((image) => sha256HexInChunks(image)));
    turns.stop();
    expect(hashes).toStrictEqual(images.map(plainSha256));
    // 8 slices: the loop turned between any two of them (before, the second slices of all 4 ran in one turn).
    expect(turns.now()).toBeGreaterThanOrEqual(images.length * 2 - 1);
  });
});
