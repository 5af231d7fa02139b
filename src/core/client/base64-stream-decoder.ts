import { decodeBase64Bytes, maxDecodedLength } from './base64-bytes.js';
import { malformedAnswer } from './malformed-answer.js';

/** Short base64 runs (between escapes, across chunk edges) gather here until they make whole quanta. */
const stagingBytes = 64 * 1024;
/** Smallest output buffer when the answer's length is unknown; it then doubles. */
const minimumCapacity = 64 * 1024;
const equalsSign = 0x3d;

/**
 * Decodes base64 string values of one JSON answer as their bytes arrive. All values share one output
 * buffer (an arena) sized from the answer's content-length, and each value is a subarray of it, so a
 * response costs about its decoded bytes once. Any character outside the base64 alphabets (raw
 * whitespace included) makes the answer malformed.
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
    this.ensureCapacity(maxDecodedLength(count));
    const arena = this.arena;
    if (arena === undefined) throw malformedAnswer('base64 output buffer missing');
    const decoded = decodeBase64Bytes(source, start, end, arena, this.written);
    if (decoded < 0) throw malformedAnswer('a binary value is not valid base64');
    this.written += decoded;
    this.padded = source[end - 1] === equalsSign;
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
