import { malformedAnswer } from './malformed-answer.js';

/** Small base64 runs (between escapes, across chunk edges) gather here so the native decoder gets big slices. */
const stagingBytes = 64 * 1024;
/** Smallest output buffer when the answer's length is unknown; it then doubles. */
const minimumCapacity = 64 * 1024;
const equalsSign = 0x3d;

/**
 * Decodes base64 string values of one JSON answer as their bytes arrive. All values share one output
 * buffer (an arena) sized from the answer's content-length, and each value is a subarray of it, so a
 * response costs about its decoded bytes once. Each slice is checked: Node's decoder silently skips
 * characters outside the alphabet, so a short byte count means the text was not base64.
 */
export class Base64StreamDecoder {
  private arena: Buffer | undefined;
  /** Where the value being decoded starts in `arena`, and where its next byte goes. */
  private valueStart = 0;
  private written = 0;
  private readonly staging = Buffer.allocUnsafe(stagingBytes);
  private staged = 0;
  private padded = false;
  /** Bytes the rest of the answer can decode to at most, when its length is known; used once. */
  private sizeHint: number | undefined;

  /** Starts a value; `maxDecodedBytes` bounds what the rest of the answer can hold, when known. */
  begin(maxDecodedBytes: number | undefined): void {
    this.valueStart = this.written;
    this.staged = 0;
    this.padded = false;
    if (this.arena === undefined) this.sizeHint = maxDecodedBytes;
  }

  /** Adds base64 text taken straight from the answer's bytes. */
  append(source: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length <= 0) return;
    if (this.staged + length <= stagingBytes) {
      source.copy(this.staging, this.staged, start, end);
      this.staged += length;
      if (this.staged === stagingBytes) this.flushStaging();
      return;
    }
    // A long run: complete the staged quantum, then decode the aligned bulk straight from the source.
    const topUp = (4 - (this.staged & 3)) & 3;
    source.copy(this.staging, this.staged, start, start + topUp);
    this.staged += topUp;
    let position = start + topUp;
    this.flushStaging();
    const aligned = (end - position) & ~3;
    this.decode(source, position, position + aligned);
    position += aligned;
    source.copy(this.staging, 0, position, end);
    this.staged = end - position;
  }

  /** Adds one character that arrived as a JSON escape (`\/`, `\u0041`). */
  appendByte(byte: number): void {
    this.staging[this.staged] = byte;
    this.staged += 1;
    if (this.staged === stagingBytes) this.flushStaging();
  }

  /** Ends the value and returns its bytes (an empty Buffer for an empty string). */
  finish(): Buffer {
    this.flushStaging();
    const arena = this.arena;
    if (arena === undefined || this.written === this.valueStart) return Buffer.alloc(0);
    return arena.subarray(this.valueStart, this.written);
  }

  private flushStaging(): void {
    if (this.staged === 0) return;
    this.decode(this.staging, 0, this.staged);
    this.staged = 0;
  }

  /** Decodes `source[start, end)`: a whole number of quanta, or the value's last, possibly short, one. */
  private decode(source: Buffer, start: number, end: number): void {
    const count = end - start;
    if (count === 0) return;
    if (this.padded) throw malformedAnswer('base64 continues after its padding');
    const remainder = count & 3;
    if (remainder === 1) throw malformedAnswer('base64 ends with a lone character');
    let padding = 0;
    if (source[end - 1] === equalsSign) padding = source[end - 2] === equalsSign ? 2 : 1;
    if (padding > 0 && remainder !== 0) throw malformedAnswer('base64 padding does not end a quantum');
    const expected = (count >>> 2) * 3 + (remainder === 0 ? 0 : remainder - 1) - padding;
    this.ensureCapacity(expected);
    const arena = this.arena;
    if (arena === undefined) throw malformedAnswer('base64 output buffer missing');
    const decoded = decodeBase64(source, start, end - padding, arena, this.written);
    if (decoded !== expected) throw malformedAnswer('a binary value is not valid base64');
    this.written += decoded;
    this.padded = padding > 0;
  }

  private ensureCapacity(extra: number): void {
    if (this.arena !== undefined && this.written + extra <= this.arena.length) return;
    const valueLength = this.written - this.valueStart;
    const needed = valueLength + extra;
    const hint = this.sizeHint;
    this.sizeHint = undefined;
    // The hint fails only when the body outgrows its content-length; then grow geometrically.
    const capacity = hint !== undefined && hint >= needed ? hint : Math.max(minimumCapacity, needed * 2);
    const next = Buffer.allocUnsafe(capacity);
    if (this.arena !== undefined) this.arena.copy(next, 0, this.valueStart, this.written);
    this.arena = next;
    this.valueStart = 0;
    this.written = valueLength;
  }
}

const sextets = new Int32Array(256).fill(-1);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let index = 0; index < 64; index += 1) sextets[alphabet.charCodeAt(index)] = index;
sextets[0x2d] = 62;
sextets[0x5f] = 63;

function decodeBase64(source: Buffer, start: number, end: number, target: Buffer, offset: number): number {
  let input = start;
  let output = offset;
  const whole = end - ((end - start) & 3);
  const table = sextets;
  for (; input < whole; input += 4) {
    const value =
      ((table[source[input] as number] as number) << 18) |
      ((table[source[input + 1] as number] as number) << 12) |
      ((table[source[input + 2] as number] as number) << 6) |
      (table[source[input + 3] as number] as number);
    if (value < 0) return -1;
    target[output] = value >> 16;
    target[output + 1] = value >> 8;
    target[output + 2] = value;
    output += 3;
  }
  const rest = end - whole;
  if (rest >= 2) {
    const a = sextets[source[whole] ?? 0] ?? -1;
    const b = sextets[source[whole + 1] ?? 0] ?? -1;
    const c = rest === 3 ? (sextets[source[whole + 2] ?? 0] ?? -1) : 0;
    if ((a | b | c) < 0) return -1;
    const value = (a << 18) | (b << 12) | (c << 6);
    target[output] = value >> 16;
    output += 1;
    if (rest === 3) {
      target[output] = (value >> 8) & 0xff;
      output += 1;
    }
  }
  return output - offset;
}
