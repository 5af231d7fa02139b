/**
 * Base64 decoding from bytes to bytes. Node can only decode base64 held in a string, and turning every
 * chunk of a 22 MB answer into a string leaves the young heap full of dead strings until the next
 * scavenge; this reads the answer's own buffers instead and allocates nothing.
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const equalsSign = 0x3d;

/** One character → its 6 bits, or -1. Both alphabets are accepted, as Node's decoder does. */
const sextets = new Int32Array(256).fill(-1);
for (let index = 0; index < 64; index += 1) sextets[alphabet.charCodeAt(index)] = index;
sextets[0x2d] = 62; // '-'
sextets[0x5f] = 63; // '_'

/** Two characters read as one big-endian 16-bit number → their 12 bits, or -1: half the lookups. */
const pairs = new Int32Array(65536).fill(-1);
for (let first = 0; first < 256; first += 1) {
  for (let second = 0; second < 256; second += 1) {
    const high = sextets[first] ?? -1;
    const low = sextets[second] ?? -1;
    if (high >= 0 && low >= 0) pairs[(first << 8) | second] = (high << 6) | low;
  }
}

/** Bytes that `count` characters of base64 decode to, whatever their padding: a bound for buffers. */
export function maxDecodedLength(count: number): number {
  return Math.floor((count * 3) / 4);
}

/**
 * Decodes `source[start, end)` into `target` at `offset` and returns the bytes written, or -1 when the
 * text is not base64. The text is whole quanta, except that the last may be padded (`==`, `=`) or short
 * (2 or 3 characters). `target` must have room for `maxDecodedLength(end - start)` bytes.
 */
export function decodeBase64Bytes(
  source: Buffer,
  start: number,
  end: number,
  target: Buffer,
  offset: number,
): number {
  let padding = 0;
  if (end - start >= 4 && source[end - 1] === equalsSign) padding = source[end - 2] === equalsSign ? 2 : 1;
  const tail = padding > 0 ? 4 - padding : (end - start) & 3;
  if (tail === 1) return -1;
  const wholeEnd = end - (padding > 0 ? 4 : tail);
  const written = decodeQuanta(source, start, wholeEnd, target, offset);
  if (written < 0 || tail === 0) return written;
  const last = decodeShortQuantum(source, wholeEnd, tail, target, offset + written);
  return last < 0 ? -1 : written + last;
}

/**
 * Whole quanta: 16 characters → 12 bytes per step through DataViews (each 32-bit read is two pairs of characters),
 * then 4 → 3.
 */
function decodeQuanta(source: Buffer, start: number, end: number, target: Buffer, offset: number): number {
  const input = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const output = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const table = pairs;
  let read = start;
  let written = offset;
  const blocksEnd = end - ((end - start) & 15);
  for (; read < blocksEnd; read += 16) {
    const a = input.getUint32(read);
    const b = input.getUint32(read + 4);
    const c = input.getUint32(read + 8);
    const d = input.getUint32(read + 12);
    const first = ((table[a >>> 16] ?? -1) << 12) | (table[a & 0xffff] ?? -1);
    const second = ((table[b >>> 16] ?? -1) << 12) | (table[b & 0xffff] ?? -1);
    const third = ((table[c >>> 16] ?? -1) << 12) | (table[c & 0xffff] ?? -1);
    const fourth = ((table[d >>> 16] ?? -1) << 12) | (table[d & 0xffff] ?? -1);
    if ((first | second | third | fourth) < 0) return -1;
    output.setUint32(written, (first << 8) | (second >>> 16));
    output.setUint32(written + 4, (second << 16) | (third >>> 8));
    output.setUint32(written + 8, (third << 24) | fourth);
    written += 12;
  }
  for (; read < end; read += 4) {
    const value = ((table[input.getUint16(read)] ?? -1) << 12) | (table[input.getUint16(read + 2)] ?? -1);
    if (value < 0) return -1;
    target[written] = value >> 16;
    target[written + 1] = value >> 8;
    target[written + 2] = value;
    written += 3;
  }
  return written - offset;
}

/** The 2 or 3 characters before the padding (or the end): 1 or 2 bytes. */
function decodeShortQuantum(
  source: Buffer,
  start: number,
  count: number,
  target: Buffer,
  offset: number,
): number {
  const first = sextets[source[start] ?? 0] ?? -1;
  const second = sextets[source[start + 1] ?? 0] ?? -1;
  const third = count === 3 ? (sextets[source[start + 2] ?? 0] ?? -1) : 0;
  if ((first | second | third) < 0) return -1;
  const value = (first << 18) | (second << 12) | (third << 6);
  target[offset] = value >> 16;
  if (count === 3) target[offset + 1] = value >> 8;
  return count - 1;
}
