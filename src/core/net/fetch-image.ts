import { finished, type Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { sniffImageType } from '../images/sniff.js';
import { createAttemptSignal } from './attempt-signal.js';
import { findRefusal, type RefusedAddressError } from './guarded-dispatcher.js';
import { releaseReadBuffer } from './read-buffers.js';

/** Why a download gave no image; each caller words it for its own users and logs. */
export type FetchFailure =
  /** The link asked for is not http(s); `protocol` is missing when it is not a URL at all. */
  | { kind: 'not-http'; protocol?: string }
  /** The caller's hop policy refused the link asked for. */
  | { kind: 'refused' }
  /** A redirect to a link that is not http(s), or that the hop policy refuses. */
  | { kind: 'bad-redirect'; status: number }
  | { kind: 'too-many-redirects'; status: number }
  | { kind: 'status'; status: number }
  /** `declaredBytes` when content-length gave it away before any byte was read. */
  | { kind: 'too-large'; declaredBytes?: number }
  | { kind: 'timeout'; error: unknown }
  | { kind: 'cancelled'; reason: unknown }
  /** The guarded dispatcher refused the address a hop connects to. */
  | { kind: 'refused-address'; refusal: RefusedAddressError }
  | { kind: 'network'; error: unknown }
  | { kind: 'not-image'; bytes: Buffer; contentType: string; status: number };

/** One request of a download: the link asked for (index 0), then one per redirect followed. */
export interface Hop {
  url: URL;
  index: number;
  /** Every request so far, this one included, goes to the first link's origin. */
  onFirstOrigin: boolean;
}

export interface FetchImagePolicy {
  /** Carries every hop; a guarded dispatcher checks the address each one connects to. */
  dispatcher?: Dispatcher;
  /** The headers one hop is sent (a token only to its own origin), or `undefined` to refuse the hop. */
  headersFor(hop: Hop): Readonly<Record<string, string>> | undefined;
  maxBytes: number;
  /** Covers every hop and the whole body, from when the slot is taken. */
  timeoutMs: number;
  maxRedirects: number;
  /** Bounds downloads in flight; a slot is held from the first request until the body is read. */
  slots?: { acquire(signal?: AbortSignal): Promise<() => void> };
  signal?: AbortSignal;
  /** The error a failure is thrown as. */
  fail(failure: FetchFailure): Error;
}

export interface FetchedImage {
  bytes: Buffer;
  /** From the magic bytes, never from the Content-Type header. */
  mediaType: string;
}

// As fetch follows them (a 300 "Multiple Choices" is an answer, not a redirect).
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

class Failed extends Error {
  constructor(readonly failure: FetchFailure) {
    super(failure.kind);
  }
}

function httpUrl(text: string, base?: URL): URL | undefined {
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one routine that downloads an image from a link: redirects followed by hand so the caller's hop policy
 * decides each request (and its headers), a byte cap checked on content-length and on the bytes as they stream,
 * a timeout, the caller's signal, an optional slot bounding downloads at once, and the bytes sniffed.
 */
export async function fetchImage(link: string, policy: FetchImagePolicy): Promise<FetchedImage> {
  const { signal } = policy;
  const first = httpUrl(link);
  if (!first) throw policy.fail({ kind: 'not-http', ...protocolOf(link) });
  if (signal?.aborted) throw policy.fail({ kind: 'cancelled', reason: signal.reason });
  const firstHeaders = policy.headersFor({ url: first, index: 0, onFirstOrigin: true });
  if (!firstHeaders) throw policy.fail({ kind: 'refused' });

  let release: (() => void) | undefined;
  try {
    release = await policy.slots?.acquire(signal);
  } catch (error) {
    throw signal?.aborted ? policy.fail({ kind: 'cancelled', reason: signal.reason }) : error;
  }
  const attempt = createAttemptSignal(policy.timeoutMs, signal);
  try {
    return await follow(first, firstHeaders, policy, attempt.signal);
  } catch (error) {
    if (signal?.aborted) throw policy.fail({ kind: 'cancelled', reason: signal.reason });
    if (error instanceof Failed) throw policy.fail(error.failure);
    if (attempt.timedOut()) throw policy.fail({ kind: 'timeout', error });
    const refusal = findRefusal(error);
    throw policy.fail(refusal ? { kind: 'refused-address', refusal } : { kind: 'network', error });
  } finally {
    attempt.dispose();
    release?.();
  }
}

async function follow(
  first: URL,
  firstHeaders: Readonly<Record<string, string>>,
  policy: FetchImagePolicy,
  signal: AbortSignal,
): Promise<FetchedImage> {
  let url = first;
  let headers = firstHeaders;
  let onFirstOrigin = true;
  for (let index = 0; ; index += 1) {
    const response = await request(url, {
      method: 'GET',
      headers,
      signal,
      ...(policy.dispatcher && { dispatcher: policy.dispatcher }),
    });
    const status = response.statusCode;
    const location = response.headers.location;
    if (redirectStatuses.has(status) && typeof location === 'string' && location !== '') {
      await response.body.dump().catch(() => undefined);
      if (index >= policy.maxRedirects) throw new Failed({ kind: 'too-many-redirects', status });
      const next = httpUrl(location, url);
      // Like fetch: once a redirect leaves the first origin, that origin's headers are never sent again.
      onFirstOrigin = onFirstOrigin && next?.origin === first.origin;
      const nextHeaders = next && policy.headersFor({ url: next, index: index + 1, onFirstOrigin });
      if (!next || !nextHeaders) throw new Failed({ kind: 'bad-redirect', status });
      url = next;
      headers = nextHeaders;
      continue;
    }
    if (status < 200 || status >= 300) {
      await response.body.dump().catch(() => undefined);
      throw new Failed({ kind: 'status', status });
    }
    const declared = Number(response.headers['content-length']);
    if (declared > policy.maxBytes) {
      // Destroying an unread body makes undici emit an abort error: nobody reads it, so it must not go unhandled.
      response.body.on('error', () => undefined).destroy();
      throw new Failed({ kind: 'too-large', declaredBytes: declared });
    }
    const bytes =
      Number.isSafeInteger(declared) && declared >= 0
        ? await readDeclared(response.body, declared)
        : await readCapped(response.body, policy.maxBytes);
    const mediaType = sniffImageType(bytes);
    if (mediaType) return { bytes, mediaType };
    const contentType = response.headers['content-type'];
    throw new Failed({
      kind: 'not-image',
      bytes,
      contentType: typeof contentType === 'string' ? contentType : '',
      status,
    });
  }
}

/**
 * A body of a known length (within the cap, checked before): each read is copied into one buffer of that size as it
 * arrives and freed at once, so a download holds about its own size, not its reads and then their joined copy. Read
 * in flowing mode: the async iterator would join the reads buffered meanwhile into new buffers.
 */
function readDeclared(body: Readable, declared: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(declared);
  let total = 0;
  return new Promise((resolve, reject) => {
    body.on('data', (chunk: Buffer) => {
      // undici frames the body by its content-length, so it cannot run past it; this keeps the copy in bounds.
      if (total + chunk.byteLength > declared) {
        body.destroy(new Failed({ kind: 'too-large', declaredBytes: declared }));
        return;
      }
      bytes.set(chunk, total);
      total += chunk.byteLength;
      releaseReadBuffer(chunk);
    });
    finished(body, (error) => {
      if (error) reject(error);
      else if (total < declared)
        reject(new Failed({ kind: 'network', error: new Error('the body ended early') }));
      else resolve(bytes);
    });
  });
}

/** A body of unknown length: its reads, up to the cap, joined at the end. */
async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop by throwing destroys the stream: the rest is never read.
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    total += buffer.length;
    if (total > maxBytes) throw new Failed({ kind: 'too-large' });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

function protocolOf(link: string): { protocol?: string } {
  try {
    return { protocol: new URL(link).protocol };
  } catch {
    return {};
  }
}
