import { Readable } from 'node:stream';
import { ImagineError, isImagineError } from '../errors.js';
import { releaseReadBuffer } from '../net/read-buffers.js';
import { JsonStreamParser } from './json-stream-parser.js';
import { malformedAnswer } from './malformed-answer.js';
import { processTurnBudget, type TurnBudget } from './turn-budget.js';

/** Ten 4K images as base64 come to about 220 MB; anything far past that is not an image answer. */
export const defaultMaxAnswerBytes = 256 * 1024 * 1024;
export const defaultBinaryKeys: readonly string[] = ['b64_json'];

export interface DecodeJsonStreamOptions {
  /** The answer's content-length, when sent: sizes the image buffer once instead of growing it. */
  contentLength?: number;
  /** Stop reading past this many bytes of body. */
  maxBytes?: number;
  /** Keys whose string values are base64 and come back as Buffers of the decoded bytes. */
  binaryKeys?: readonly string[];
  /** Shared by every answer of the process unless given (tests). */
  turnBudget?: TurnBudget;
  /**
   * The chunks are the body's own (an HTTP response read from its socket, held by nobody else): each one's
   * memory is given back as soon as it is parsed (`releaseReadBuffer`), and the chunk is empty afterwards.
   */
  releaseChunks?: boolean;
}

/**
 * Parses a JSON answer as it streams in. The result equals `JSON.parse` of the whole text, except that
 * each string under a binary key (default `b64_json`) is a Buffer of its decoded bytes, so a 16 MB image
 * costs about 16 MB, not the 7–8× of holding the text and then decoding it.
 */
export async function decodeJsonStream(
  body: AsyncIterable<Uint8Array> | Readable,
  options: DecodeJsonStreamOptions = {},
): Promise<unknown> {
  const maxBytes = options.maxBytes ?? defaultMaxAnswerBytes;
  const announced = options.contentLength;
  const contentLength =
    announced !== undefined && Number.isFinite(announced) && announced >= 0 ? announced : undefined;
  const parser = new JsonStreamParser(new Set(options.binaryKeys ?? defaultBinaryKeys), contentLength);
  let received = 0;
  const take = (chunk: Uint8Array) => {
    received += chunk.byteLength;
    if (received > maxBytes || (contentLength ?? 0) > maxBytes) throw tooLarge(maxBytes);
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    parseStep(() => parser.write(bytes));
    if (options.releaseChunks === true) releaseReadBuffer(bytes);
  };
  if (body instanceof Readable) {
    // Flowing mode: each chunk handled as it is pushed. The async iterator would call `read()`, which joins the
    // chunks buffered meanwhile into a new Buffer — a copy of most of a big answer. Paced per event-loop turn.
    await (options.turnBudget ?? processTurnBudget).consume(body, take);
  } else {
    // Throwing inside the loop makes for-await close the body, which frees the connection.
    for await (const chunk of body) take(chunk);
  }
  return parseStep(() => parser.end());
}

function parseStep<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    // An engine limit (a string too long for V8) is still the answer's fault.
    if (isImagineError(error)) throw error;
    throw malformedAnswer(error instanceof Error ? error.message : String(error));
  }
}

function tooLarge(maxBytes: number): ImagineError {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / (1024 * 1024))} MB` : `${maxBytes} bytes`;
  return new ImagineError(
    'malformed_response',
    `The image API sent an answer too large to handle (over ${limit}).`,
    {
      retryable: false,
    },
  );
}
