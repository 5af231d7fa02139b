import type { ServerResponse } from 'node:http';

export type ResponseShape = 'wrapped' | 'plain';

/** One `data[]` item: new-api's `{url, b64_json, revised_prompt}`, with "" for the field not used. */
export interface AnswerItem {
  url: string;
  /** Bytes to send as `b64_json`, or undefined for "". */
  bytes: Buffer | undefined;
  /** `bytes` already in base64 (a fixed image answering every call is encoded once, not once per answer). */
  base64?: Buffer;
  revisedPrompt: string;
}

/** A piece of the JSON text: literal text, bytes to be written as base64, or base64 text ready to write. */
type Segment = string | Buffer | { encoded: Buffer };

// A multiple of 3, so each chunk's base64 has no padding and the chunks concatenate.
const base64ChunkBytes = 3 * 256 * 1024;
const encodedChunkBytes = (base64ChunkBytes / 3) * 4;

function itemSegments(item: AnswerItem): Segment[] {
  const head = `{"url":${JSON.stringify(item.url)},"b64_json":"`;
  const tail = `","revised_prompt":${JSON.stringify(item.revisedPrompt)}}`;
  if (item.base64) return [head, { encoded: item.base64 }, tail];
  return item.bytes ? [head, item.bytes, tail] : [head, tail];
}

function answerSegments(shape: ResponseShape, items: readonly AnswerItem[], created: number): Segment[] {
  const list = items.flatMap((item, index) =>
    index === 0 ? itemSegments(item) : [',', ...itemSegments(item)],
  );
  return shape === 'wrapped'
    ? ['{"code":200,"msg":"操作成功","data":{"data":[', ...list, `],"created":${created}}}`]
    : [`{"created":${created},"data":[`, ...list, ']}'];
}

function segmentLength(segment: Segment): number {
  if (typeof segment === 'string') return Buffer.byteLength(segment);
  return Buffer.isBuffer(segment) ? Math.ceil(segment.length / 3) * 4 : segment.encoded.length;
}

/** Resolves once the socket has room again, or is gone. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

async function write(response: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (!response.write(chunk)) await drained(response);
}

/**
 * Writes a success answer without building it in memory: the JSON around each image is written as
 * text and each image's base64 is encoded chunk by chunk straight from its bytes (or, encoded once, written in chunks).
 */
export async function writeImagesAnswer(
  response: ServerResponse,
  shape: ResponseShape,
  items: readonly AnswerItem[],
  created: number,
): Promise<void> {
  const segments = answerSegments(shape, items, created);
  const length = segments.reduce((total, segment) => total + segmentLength(segment), 0);
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
  for (const segment of segments) {
    if (typeof segment === 'string') {
      await write(response, segment);
    } else if (!Buffer.isBuffer(segment)) {
      const { encoded } = segment;
      for (let start = 0; start < encoded.length && !response.destroyed; start += encodedChunkBytes) {
        await write(response, encoded.subarray(start, start + encodedChunkBytes));
      }
    } else {
      for (let start = 0; start < segment.length && !response.destroyed; start += base64ChunkBytes) {
        await write(response, segment.subarray(start, start + base64ChunkBytes).toString('base64'));
      }
    }
    if (response.destroyed) return;
  }
  response.end();
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendText(
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string | Buffer,
): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
