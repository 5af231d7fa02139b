import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataUri } from '../data-uri.js';
import { mapPlainValues } from './plain-values.js';

/** A call's JSON body, ready to be sent any number of times (each retry opens it again). */
export interface JsonRequestBody {
  /** Exact byte length of what `open()` yields, for `content-length`. */
  contentLength: number;
  /** A string when the body holds no image; else a new stream of chunks (a stream is consumed once). */
  open(): string | Readable;
}

// A multiple of 3: each slice encodes to base64 without padding, so the slices' base64 join into the whole's.
const sliceBytes = 48 * 1024;

/**
 * JSON text with each input image's base64 streamed in 64 KiB chunks. The bytes are exactly
 * `JSON.stringify(value)`'s, yet no string of a whole image's base64 is ever made: JSON.stringify runs on a
 * copy of the value where each image is a short marker, and the text is cut at the markers.
 */
export function jsonRequestBody(value: unknown): JsonRequestBody {
  const images: DataUri[] = [];
  const marker = `inline-image:${randomUUID()}:`;
  const text = JSON.stringify(withMarkers(value, images, marker));
  if (images.length === 0) return { contentLength: Buffer.byteLength(text), open: () => text };

  // Even entries are JSON text, odd ones an image's index (the split keeps the captured group).
  const pieces = text.split(new RegExp(`"${marker}(\\d+)"`));
  let contentLength = 0;
  pieces.forEach((piece, index) => {
    contentLength += index % 2 === 0 ? Buffer.byteLength(piece) : imageAt(images, piece).jsonByteLength();
  });

  async function* chunks(): AsyncGenerator<Buffer> {
    for (const [index, piece] of pieces.entries()) {
      if (index % 2 === 1) yield* imageChunks(imageAt(images, piece));
      else if (piece !== '') yield Buffer.from(piece);
    }
  }
  // Byte mode with a one-chunk buffer: the next chunk is encoded only when the socket has taken the last one.
  const open = () => Readable.from(chunks(), { objectMode: false, highWaterMark: (sliceBytes / 3) * 4 });
  return { contentLength, open };
}

function* imageChunks(image: DataUri): Generator<Buffer> {
  yield Buffer.from(image.jsonPrefix());
  const { bytes } = image;
  for (let offset = 0; offset < bytes.byteLength; offset += sliceBytes) {
    const length = Math.min(sliceBytes, bytes.byteLength - offset);
    const slice = Buffer.from(bytes.buffer, bytes.byteOffset + offset, length);
    yield Buffer.from(slice.toString('base64'), 'latin1');
  }
  yield Buffer.from('"');
}

function imageAt(images: DataUri[], index: string): DataUri {
  const image = images[Number(index)];
  if (image === undefined) throw new Error(`no inline image ${index}`);
  return image;
}

/** A copy of plain objects and arrays with each DataUri replaced by `marker<index>`; anything else as it is. */
function withMarkers(value: unknown, images: DataUri[], marker: string): unknown {
  return mapPlainValues(value, (item) => {
    if (!(item instanceof DataUri)) return item;
    images.push(item);
    return `${marker}${images.length - 1}`;
  });
}
