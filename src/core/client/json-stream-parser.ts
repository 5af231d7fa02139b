import { Base64StreamDecoder } from './base64-stream-decoder.js';
import { JsonEscapeReader, JsonStringText } from './json-string-text.js';
import { malformedAnswer } from './malformed-answer.js';

// Parser states (plain numbers: a switch over small integers is the fastest dispatch V8 offers).
const expectValue = 0;
const expectValueOrArrayEnd = 1;
const expectKeyOrObjectEnd = 2;
const expectKey = 3;
const expectColon = 4;
const expectCommaOrEnd = 5;
const inString = 6;
const inEscape = 7;
const inNumber = 8;
const inLiteral = 9;
const done = 10;

const quote = 0x22;
const backslash = 0x5c;
const numberPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

interface Frame {
  container: unknown[] | Record<string, unknown>;
  isArray: boolean;
  /** The key whose value comes next, in an object. */
  key: string;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isNumberByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2b ||
    byte === 0x2e ||
    (byte | 0x20) === 0x65
  );
}

/**
 * A push parser: `write` each chunk of the answer, then `end`. It builds what `JSON.parse` would, except
 * that string values under a binary key become the Buffer of their base64-decoded bytes, decoded as
 * they arrive so the base64 text is never held whole.
 */
export class JsonStreamParser {
  private state = expectValue;
  private readonly stack: Frame[] = [];
  private root: unknown;
  /** Bytes of earlier chunks, to place a value in the whole answer. */
  private consumed = 0;

  private stringIsKey = false;
  private stringIsBinary = false;
  private readonly text = new JsonStringText();
  private readonly escape = new JsonEscapeReader();

  private numberText = '';
  private literalText = '';
  private literalValue: unknown;
  private literalIndex = 0;

  private readonly binary = new Base64StreamDecoder();

  constructor(
    private readonly binaryKeys: ReadonlySet<string>,
    private readonly contentLength: number | undefined,
  ) {}

  write(chunk: Buffer): void {
    const length = chunk.length;
    let index = 0;
    while (index < length) {
      switch (this.state) {
        case inString:
          index = this.stringIsBinary ? this.scanBinary(chunk, index) : this.scanText(chunk, index);
          break;
        case inEscape:
          this.addEscapedUnit(this.escape.read(chunk[index] ?? 0));
          index += 1;
          break;
        case inNumber:
          index = this.scanNumber(chunk, index);
          break;
        case inLiteral:
          index = this.scanLiteral(chunk, index);
          break;
        default:
          this.readStructural(chunk, index);
          index += 1;
      }
    }
    // Nothing may keep a view of the chunk: its memory may be given back once this returns.
    this.text.ownRawBytes();
    this.consumed += length;
  }

  /** Returns the parsed value; throws when the answer stopped short. */
  end(): unknown {
    if (this.state === inNumber) this.finishNumber();
    if (this.state !== done) throw malformedAnswer('the answer ended before its JSON did');
    return this.root;
  }

  private readStructural(chunk: Buffer, index: number): void {
    const byte = chunk[index] ?? 0;
    if (isWhitespace(byte)) return;
    const state = this.state;
    if (state === expectCommaOrEnd) {
      const frame = this.stack[this.stack.length - 1];
      if (frame !== undefined && byte === 0x2c) this.state = frame.isArray ? expectValue : expectKey;
      else if (frame !== undefined && byte === (frame.isArray ? 0x5d : 0x7d)) this.closeContainer();
      else throw this.unexpected(chunk, index);
    } else if (state === expectKeyOrObjectEnd || state === expectKey) {
      if (byte === quote) this.beginString(true, false, index);
      else if (byte === 0x7d && state === expectKeyOrObjectEnd) this.closeContainer();
      else throw this.unexpected(chunk, index);
    } else if (state === expectColon) {
      if (byte !== 0x3a) throw this.unexpected(chunk, index);
      this.state = expectValue;
    } else if (state === expectValue || state === expectValueOrArrayEnd) {
      if (byte === 0x5d && state === expectValueOrArrayEnd) this.closeContainer();
      else this.beginValue(chunk, index, byte);
    } else {
      throw this.unexpected(chunk, index);
    }
  }

  private beginValue(chunk: Buffer, index: number, byte: number): void {
    if (byte === quote) {
      const frame = this.stack[this.stack.length - 1];
      const binary = frame !== undefined && !frame.isArray && this.binaryKeys.has(frame.key);
      this.beginString(false, binary, index);
    } else if (byte === 0x7b) {
      this.stack.push({ container: {}, isArray: false, key: '' });
      this.state = expectKeyOrObjectEnd;
    } else if (byte === 0x5b) {
      this.stack.push({ container: [], isArray: true, key: '' });
      this.state = expectValueOrArrayEnd;
    } else if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) {
      this.numberText = String.fromCharCode(byte);
      this.state = inNumber;
    } else if (byte === 0x74 || byte === 0x66 || byte === 0x6e) {
      this.literalText = byte === 0x74 ? 'true' : byte === 0x66 ? 'false' : 'null';
      this.literalValue = byte === 0x74 ? true : byte === 0x66 ? false : null;
      this.literalIndex = 1;
      this.state = inLiteral;
    } else {
      throw this.unexpected(chunk, index);
    }
  }

  private beginString(isKey: boolean, isBinary: boolean, index: number): void {
    this.stringIsKey = isKey;
    this.stringIsBinary = isBinary;
    this.state = inString;
    if (isBinary) {
      const remaining =
        this.contentLength === undefined ? undefined : this.contentLength - this.consumed - index;
      this.binary.begin(
        remaining === undefined ? undefined : Math.floor((Math.max(remaining, 0) * 3) / 4) + 3,
      );
    }
  }

  /** Ordinary string text: a tight loop to the next quote, backslash or (invalid) control byte. */
  private scanText(chunk: Buffer, start: number): number {
    const length = chunk.length;
    let index = start;
    let byte = 0;
    while (index < length) {
      byte = chunk[index] ?? 0;
      if (byte === quote || byte === backslash || byte < 0x20) break;
      index += 1;
    }
    if (index === length) {
      if (index > start) this.text.addRaw(chunk.subarray(start, index));
      return index;
    }
    if (byte < 0x20) throw this.unexpected(chunk, index);
    if (byte === quote && this.text.isEmpty) {
      this.finishString(chunk.toString('utf8', start, index));
    } else {
      if (index > start) this.text.addRaw(chunk.subarray(start, index));
      if (byte === backslash) this.state = inEscape;
      else this.finishString(this.text.finish());
    }
    return index + 1;
  }

  /** Base64 text: jump between quotes and backslashes with native searches, decode the runs between. */
  private scanBinary(chunk: Buffer, start: number): number {
    let end = chunk.indexOf(quote, start);
    if (end === -1) end = chunk.length;
    const backslashAt = chunk.indexOf(backslash, start);
    if (backslashAt !== -1 && backslashAt < end) end = backslashAt;
    this.binary.append(chunk, start, end);
    if (end === chunk.length) return end;
    if (chunk[end] === backslash) this.state = inEscape;
    else this.finishString(this.binary.finish());
    return end + 1;
  }

  private addEscapedUnit(unit: number): void {
    if (unit === -1) return;
    this.state = inString;
    if (!this.stringIsBinary) {
      this.text.addUnit(unit);
      return;
    }
    // Some encoders wrap base64 lines (`\n`) or escape its slashes (`\/`).
    if (unit === 0x0a || unit === 0x0d || unit === 0x09 || unit === 0x20) return;
    if (unit >= 0x80) throw malformedAnswer('a binary value is not valid base64');
    this.binary.appendByte(unit);
  }

  private finishString(value: string | Buffer): void {
    if (!this.stringIsKey) {
      this.addValue(value);
      return;
    }
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined || typeof value !== 'string') throw malformedAnswer('a key outside an object');
    frame.key = value;
    this.state = expectColon;
  }

  private scanNumber(chunk: Buffer, start: number): number {
    const length = chunk.length;
    let index = start;
    while (index < length && isNumberByte(chunk[index] ?? 0)) index += 1;
    this.numberText += chunk.toString('latin1', start, index);
    if (index < length) this.finishNumber();
    return index;
  }

  private finishNumber(): void {
    if (!numberPattern.test(this.numberText))
      throw malformedAnswer(`bad number ${this.numberText.slice(0, 40)}`);
    this.addValue(Number(this.numberText));
  }

  private scanLiteral(chunk: Buffer, start: number): number {
    const length = chunk.length;
    const text = this.literalText;
    let index = start;
    while (index < length && this.literalIndex < text.length) {
      if (chunk[index] !== text.charCodeAt(this.literalIndex)) throw this.unexpected(chunk, index);
      index += 1;
      this.literalIndex += 1;
    }
    if (this.literalIndex === text.length) this.addValue(this.literalValue);
    return index;
  }

  private closeContainer(): void {
    const frame = this.stack.pop();
    if (frame === undefined) throw malformedAnswer('a closing bracket without an opening one');
    this.addValue(frame.container);
  }

  private addValue(value: unknown): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      this.root = value;
      this.state = done;
      return;
    }
    this.state = expectCommaOrEnd;
    if (Array.isArray(frame.container)) {
      frame.container.push(value);
    } else if (frame.key === '__proto__') {
      // JSON.parse makes an own property here; assignment would replace the prototype.
      Object.defineProperty(frame.container, frame.key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      frame.container[frame.key] = value;
    }
  }

  private unexpected(chunk: Buffer, index: number): Error {
    const byte = chunk[index] ?? 0;
    return malformedAnswer(`unexpected byte 0x${byte.toString(16)} at offset ${this.consumed + index}`);
  }
}
