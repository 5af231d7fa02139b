import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { createSemaphore } from '../core/net/semaphore.js';
import type { ImageBlobs } from '../core/store/blobs.js';
import type { Store } from '../core/store/store.js';

const thumbnailSide = 360;
const thumbnails = 'board-thumb';
const thumbnailMemory = 512;
const thumbnailsAtOnce = 2;
/** Content-addressed: a hash never names other bytes, so a browser may keep them. */
const immutable = 'private, max-age=31536000, immutable';

export interface BoardImages {
  /** The original, with its hash as ETag, ranges, and a download name when asked. */
  original(
    request: IncomingMessage,
    response: ServerResponse,
    hash: string,
    download: string | undefined,
  ): Promise<void>;
  /** A WebP thumbnail, made once (sharp, off the event loop) and kept in the image store. */
  thumbnail(request: IncomingMessage, response: ServerResponse, hash: string, ttlMs: number): Promise<void>;
}

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` of a body of `size` bytes; undefined: unsatisfiable; null: no range asked. */
function rangeOf(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
  }
  return start <= end && start < size ? { start, end } : undefined;
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  bytes: Buffer,
  mediaType: string,
  etag: string,
  extra: Record<string, string> = {},
): void {
  const tag = `"${etag}"`;
  const headers = { etag: tag, 'cache-control': immutable, 'accept-ranges': 'bytes', ...extra };
  if (request.headers['if-none-match']?.split(/\s*,\s*/).includes(tag)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const range = rangeOf(request.headers.range, bytes.length);
  if (range === undefined) {
    response.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}` });
    response.end();
    return;
  }
  if (range === null) {
    response.writeHead(200, { ...headers, 'content-type': mediaType, 'content-length': bytes.length });
    response.end(request.method === 'HEAD' ? undefined : bytes);
    return;
  }
  const part = bytes.subarray(range.start, range.end + 1);
  response.writeHead(206, {
    ...headers,
    'content-type': mediaType,
    'content-length': part.length,
    'content-range': `bytes ${range.start}-${range.end}/${bytes.length}`,
  });
  response.end(request.method === 'HEAD' ? undefined : part);
}

function gone(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end('This image has expired.');
}

export function createBoardImages(parts: { blobs: ImageBlobs; store: Store }): BoardImages {
  const recent = new Map<string, { bytes: Buffer; hash: string }>();
  const making = new Map<string, Promise<{ bytes: Buffer; hash: string } | undefined>>();
  // Each new thumbnail reads its original (up to ~45 MB) and decodes it: a page of 60 must not do so all at once.
  const makers = createSemaphore(thumbnailsAtOnce);

  async function makeThumbnail(hash: string, ttlMs: number) {
    const known = await parts.store.get<string>(thumbnails, hash);
    if (typeof known === 'string') {
      const stored = await parts.blobs.getImage(known);
      if (stored) return { bytes: stored.bytes, hash: known };
    }
    const original = await parts.blobs.getImage(hash);
    if (!original) return undefined;
    const bytes = await sharp(original.bytes, { limitInputPixels: false })
      .resize(thumbnailSide, thumbnailSide, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 72 })
      .toBuffer();
    const thumbHash = await parts.blobs.putImage(bytes, 'image/webp', ttlMs);
    await parts.store.set(thumbnails, hash, thumbHash, ttlMs);
    return { bytes, hash: thumbHash };
  }

  return {
    async original(request, response, hash, download) {
      const stored = await parts.blobs.getImage(hash);
      if (!stored) return gone(response);
      const name: Record<string, string> =
        download === undefined
          ? {}
          : {
              'content-disposition': `attachment; filename="${download}.${extensions[stored.mediaType] ?? 'bin'}"`,
            };
      send(request, response, stored.bytes, stored.mediaType, hash, name);
    },
    async thumbnail(request, response, hash, ttlMs) {
      let thumb = recent.get(hash);
      if (!thumb) {
        const pending =
          making.get(hash) ??
          makers.acquire().then(async (release) => {
            try {
              return await makeThumbnail(hash, ttlMs);
            } finally {
              release();
            }
          });
        making.set(hash, pending);
        thumb = await pending.finally(() => making.delete(hash));
        if (!thumb) return gone(response);
        recent.set(hash, thumb);
        if (recent.size > thumbnailMemory) recent.delete(recent.keys().next().value ?? '');
      }
      send(request, response, thumb.bytes, 'image/webp', thumb.hash);
    },
  };
}
