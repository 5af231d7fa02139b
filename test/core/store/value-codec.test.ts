import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { describe, expect, it } from 'vitest';
import { keyvValueCodec } from '../../../src/core/store/value-codec.js';

/** A tiny deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const alphabet = ['a', ':', ',', '"', '[', ']', '{', '\\', ' ', 'é', 'b'];

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 4 : 7));
  const text = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(
      '',
    );
  if (pick === 0) return text();
  if (pick === 1) return Math.floor(next() * 1000) - 500;
  if (pick === 2) return next() < 0.5;
  if (pick === 3) return null;
  if (pick === 4) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  if (pick === 5) return Buffer.from(text());
  return Object.fromEntries(
    Array.from({ length: Math.floor(next() * 4) }, () => [text(), randomValue(next, depth + 1)]),
  );
}

describe("the store's value codec", () => {
  const samples: unknown[] = [
    { value: { id: 'job-1', prompt: 'a red fox', images: [{ hash: 'ab' }] }, expires: 1_700_000_000_000 },
    { value: ':smile: a cat' },
    { value: ['::', ':', 'x:', '":'] },
    { value: { ':key': ':value', 'a,': '",":' } },
    { value: Buffer.from('bytes') },
    { value: { type: 'Buffer', data: [1, 2] } },
    { value: 'quote " and backslash \\ and :colon' },
    ':top',
    [],
    {},
  ];

  it("writes exactly keyv's own text, and reads any keyv text back as keyv does", () => {
    for (const sample of samples) {
      const text = defaultSerialize(sample);
      expect(keyvValueCodec.serialize(sample)).toBe(text);
      expect(keyvValueCodec.deserialize(text)).toEqual(defaultDeserialize(text));
    }
  });

  it('agrees with keyv on 3,000 random values full of colons, quotes, brackets and Buffers', () => {
    const next = random(7);
    for (let index = 0; index < 3000; index += 1) {
      const value = { value: randomValue(next) };
      const text = defaultSerialize(value);
      expect(keyvValueCodec.serialize(value)).toBe(text);
      expect(keyvValueCodec.deserialize(text)).toEqual(defaultDeserialize(text));
    }
  });
});
