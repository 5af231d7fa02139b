import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64Bytes, maxDecodedLength } from '../../../src/core/client/base64-bytes.js';

function decode(text: string, offset = 0): Buffer | undefined {
  const source = Buffer.from(`##${text}##`, 'latin1');
  const target = Buffer.alloc(offset + maxDecodedLength(text.length) + 4, 0xee);
  const written = decodeBase64Bytes(source, 2, 2 + text.length, target, offset);
  if (written < 0) return undefined;
  // Nothing may be written past what was decoded.
  expect(target.subarray(offset + written).every((byte) => byte === 0xee)).toBe(true);
  return target.subarray(offset, offset + written);
}

describe('decodeBase64Bytes', () => {
  it('decodes padded, unpadded and url-safe text of every length to the exact bytes', () => {
    for (let length = 0; length < 80; length += 1) {
      const bytes = randomBytes(length);
      const padded = bytes.toString('base64');
      expect(decode(padded, length % 5)).toEqual(bytes);
      expect(decode(padded.replace(/=+$/, ''))).toEqual(bytes);
      expect(decode(bytes.toString('base64url'))).toEqual(bytes);
    }
  });

  it('decodes a long run the same way Node does', () => {
    const bytes = randomBytes(100_003);
    expect(decode(bytes.toString('base64'), 1)).toEqual(bytes);
  });

  it('refuses any character outside the alphabet, wherever it stands', () => {
    const text = randomBytes(30).toString('base64');
    for (let position = 0; position < text.length; position += 1) {
      // '=' in the last place is valid padding.
      const bads =
        position === text.length - 1 ? [' ', '\n', '!', '.', '\u00e9'] : [' ', '\n', '!', '.', '\u00e9', '='];
      for (const bad of bads) {
        const broken = `${text.slice(0, position)}${bad}${text.slice(position + 1)}`;
        expect(decode(broken), JSON.stringify(broken)).toBeUndefined();
      }
    }
  });

  it('refuses a lone last character and misplaced padding', () => {
    for (const text of ['A', 'AAAAA', 'A===', '====', 'AB=', 'AB=C', 'A=BC', 'AB==CDEF']) {
      expect(decode(text), text).toBeUndefined();
    }
  });
});
