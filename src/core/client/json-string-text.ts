import { malformedAnswer } from './malformed-answer.js';

const simpleEscapes: Readonly<Record<number, number>> = {
  34: 0x22, // \"
  92: 0x5c, // \\
  47: 0x2f, // \/
  98: 0x08, // \b
  102: 0x0c, // \f
  110: 0x0a, // \n
  114: 0x0d, // \r
  116: 0x09, // \t
};
/** String.fromCharCode takes its units as arguments; the engine caps how many. */
const unitsPerCall = 4096;

/**
 * The text of one JSON string, gathered as its bytes arrive: raw UTF-8 runs are kept as bytes until an
 * escape or the closing quote, so a character split between chunks decodes whole; escapes become UTF-16
 * code units, so lone surrogates survive as `JSON.parse` keeps them.
 */
export class JsonStringText {
  private pieces: string[] = [];
  private rawBytes: Buffer[] = [];
  /** How many of `rawBytes` are copies already (`ownRawBytes`). */
  private ownedRawBytes = 0;
  private escapedUnits: number[] = [];

  get isEmpty(): boolean {
    return this.pieces.length === 0 && this.rawBytes.length === 0 && this.escapedUnits.length === 0;
  }

  addRaw(bytes: Buffer): void {
    this.flushEscapedUnits();
    this.rawBytes.push(bytes);
  }

  addUnit(unit: number): void {
    this.flushRawBytes();
    this.escapedUnits.push(unit);
  }

  /**
   * Copies the raw bytes kept so far out of the chunk they were seen in: the chunk may be released once
   * written (`releaseReadBuffer`), and a text that goes on in the next chunk must not lose its start.
   */
  ownRawBytes(): void {
    const raw = this.rawBytes;
    for (let index = this.ownedRawBytes; index < raw.length; index += 1) {
      const view = raw[index];
      if (view !== undefined) raw[index] = Buffer.from(view);
    }
    this.ownedRawBytes = raw.length;
  }

  /** Returns the whole text and starts afresh. */
  finish(): string {
    this.flushRawBytes();
    this.flushEscapedUnits();
    const text = this.pieces.length === 1 ? (this.pieces[0] ?? '') : this.pieces.join('');
    this.pieces = [];
    return text;
  }

  private flushRawBytes(): void {
    const raw = this.rawBytes;
    if (raw.length === 0) return;
    this.pieces.push(
      raw.length === 1 ? (raw[0]?.toString('utf8') ?? '') : Buffer.concat(raw).toString('utf8'),
    );
    this.rawBytes = [];
    this.ownedRawBytes = 0;
  }

  private flushEscapedUnits(): void {
    const units = this.escapedUnits;
    if (units.length === 0) return;
    for (let offset = 0; offset < units.length; offset += unitsPerCall) {
      this.pieces.push(String.fromCharCode(...units.slice(offset, offset + unitsPerCall)));
    }
    this.escapedUnits = [];
  }
}

/** Reads the escape after a backslash one byte at a time, since a chunk may end inside it. */
export class JsonEscapeReader {
  /** -1 before the letter after the backslash; then how many hex digits of `\u` were read. */
  private digits = -1;
  private value = 0;

  /** Returns the escaped UTF-16 code unit once complete, or -1 while more bytes are needed. */
  read(byte: number): number {
    if (this.digits === -1) {
      if (byte === 0x75) {
        this.digits = 0;
        this.value = 0;
        return -1;
      }
      const unit = simpleEscapes[byte];
      if (unit === undefined) throw malformedAnswer(`bad escape \\${String.fromCharCode(byte)}`);
      return unit;
    }
    const digit = hexValue(byte);
    if (digit === -1) throw malformedAnswer('bad \\u escape');
    this.value = this.value * 16 + digit;
    this.digits += 1;
    if (this.digits < 4) return -1;
    this.digits = -1;
    return this.value;
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
