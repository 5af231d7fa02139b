import { describe, expect, it } from 'vitest';
import { releaseReadBuffer } from '../../../src/core/net/read-buffers.js';

const mebibyte = 1024 * 1024;

describe('releaseReadBuffer', () => {
  it('frees a chunk that is the whole of its buffer at once: the memory goes, the chunk is empty', () => {
    const chunks = Array.from({ length: 8 }, () => Buffer.allocUnsafeSlow(mebibyte).fill(7));
    const before = process.memoryUsage().arrayBuffers;
    for (const chunk of chunks) expect(releaseReadBuffer(chunk)).toBe(true);
    const after = process.memoryUsage().arrayBuffers;
    // Still referenced here, so only the release (not a GC) can have given these 8 MiB back.
    expect(before - after).toBeGreaterThanOrEqual(8 * mebibyte);
    for (const chunk of chunks) expect(chunk.byteLength).toBe(0);
  });

  it('frees a socket read as Node hands it over: a 64 KiB chunk, also as a Uint8Array', () => {
    const chunk = new Uint8Array(64 * 1024);
    expect(releaseReadBuffer(chunk)).toBe(true);
    expect(chunk.byteLength).toBe(0);
  });

  it('leaves alone what it does not own whole: views, pooled Buffers, small chunks, shared memory', () => {
    const larger = Buffer.alloc(256 * 1024, 1);
    const view = larger.subarray(0, 128 * 1024);
    const tail = larger.subarray(128 * 1024);
    const pooled = Buffer.from('a short text from the pool');
    const small = Buffer.allocUnsafeSlow(1024).fill(2);
    const shared = new Uint8Array(new SharedArrayBuffer(64 * 1024)).fill(3);
    for (const chunk of [view, tail, pooled, small, shared]) expect(releaseReadBuffer(chunk)).toBe(false);
    expect(larger.byteLength).toBe(256 * 1024);
    expect(view.every((byte) => byte === 1)).toBe(true);
    expect(tail.every((byte) => byte === 1)).toBe(true);
    expect(pooled.toString()).toBe('a short text from the pool');
    expect(small.every((byte) => byte === 2)).toBe(true);
    expect(shared.every((byte) => byte === 3)).toBe(true);
  });
});
