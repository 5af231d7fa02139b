import { type Dispatcher, request } from 'undici';
import type { LazyAttachment } from '../attachment.js';
import { createSemaphore } from '../client/semaphore.js';
import { ImagineError, isImagineError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { describeBytes, sniffImageType } from '../images/index.js';
import type { Logger } from '../logger.js';
import type { InputImage } from '../request.js';

/** An origin files are read from, with the headers (a bot token) that only it is sent. */
export interface TrustedOrigin {
  /** `https://files.slack.com`: scheme, host and port. */
  origin: string;
  headers?: Readonly<Record<string, string>>;
}

/** Where one platform's files may come from, and how its files are named in messages. */
export interface AttachmentPolicy {
  /** `Slack`, `Discord`. */
  platform: string;
  /** Where a refused file is said not to be: `Slack's file server`. */
  home: string;
  origins: readonly TrustedOrigin[];
  /** A platform's own words for a download that is not an image (Slack's sign-in page), else the generic ones. */
  explainNotImage?(download: Download, file: RemoteFile): ImagineError | undefined;
}

export interface RemoteFile {
  name: string;
  url: string;
  /** The size the platform declared (Slack's and Discord's `size`). */
  declaredBytes?: number;
  /** The media type the platform declared (it proves nothing: the bytes are sniffed). */
  declaredType?: string;
}

export interface Download {
  bytes: Buffer;
  contentType: string;
}

export interface AttachmentDownloaderOptions {
  maxBytes: number;
  /** Downloads in flight at once, across every platform of the process. */
  maxConcurrent: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  logger?: Logger;
}

export interface AttachmentDownloader {
  readonly maxBytes: number;
  /** Why a file cannot be read, known without a request: not on a trusted origin, or declared too large. */
  refusal(file: RemoteFile, policy: AttachmentPolicy): ImagineError | undefined;
  /** Downloads a file and checks by its bytes that it is an image. */
  read(file: RemoteFile, policy: AttachmentPolicy): Promise<InputImage>;
  /** The file as an attachment a command reads after taking the user's quota slot. */
  attachment(file: RemoteFile, policy: AttachmentPolicy): LazyAttachment;
}

const defaultTimeoutMs = 60_000;
const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

function parseUrl(text: string, base?: URL): URL | undefined {
  try {
    const url = new URL(text, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one routine that reads files users attach on Slack and Discord: trusted origins only, a platform's token
 * only to its own origin (never after a redirect leaves it), a size cap checked on the declared size, the
 * content-length and the bytes as they stream, a timeout, and one semaphore bounding downloads process-wide.
 */
export function createAttachmentDownloader(options: AttachmentDownloaderOptions): AttachmentDownloader {
  const { maxBytes } = options;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const slots = createSemaphore(options.maxConcurrent);

  const tooLarge = (file: RemoteFile, size?: number) =>
    new ImagineError(
      'invalid_image',
      `"${file.name}" is ${size === undefined ? 'larger than ' : ''}${formatBytes(size ?? maxBytes)}; ` +
        `images up to ${formatBytes(maxBytes)} can be attached.`,
    );
  const failed = (file: RemoteFile, policy: AttachmentPolicy, why?: string, cause?: unknown) =>
    new ImagineError(
      'invalid_image',
      `Could not download "${file.name}" from ${policy.platform}${why ? ` (${why})` : ''}; attach it again.`,
      { retryable: true, ...(cause !== undefined && { cause }) },
    );

  function refusal(file: RemoteFile, policy: AttachmentPolicy): ImagineError | undefined {
    const url = parseUrl(file.url);
    if (!url || !policy.origins.some((trusted) => trusted.origin === url.origin)) {
      options.logger?.warn('an attachment is not on a trusted origin: not downloaded', {
        platform: policy.platform,
        origin: url?.origin ?? 'not an http(s) URL',
      });
      return new ImagineError('invalid_image', `Could not read "${file.name}": it is not on ${policy.home}.`);
    }
    if (file.declaredBytes !== undefined && file.declaredBytes > maxBytes) {
      return tooLarge(file, file.declaredBytes);
    }
    return undefined;
  }

  async function readCapped(body: AsyncIterable<Uint8Array>, file: RemoteFile): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    // Leaving the loop by throwing destroys the stream: the rest is never read.
    for await (const chunk of body) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(file);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks, total);
  }

  async function fetchFile(file: RemoteFile, policy: AttachmentPolicy): Promise<Download> {
    const signal = AbortSignal.timeout(timeoutMs);
    let url = parseUrl(file.url) as URL;
    const first = url.origin;
    const headers = policy.origins.find((trusted) => trusted.origin === first)?.headers ?? {};
    let onFirstOrigin = true;
    for (let hops = 0; hops <= maxRedirects; hops += 1) {
      const response = await request(url, {
        method: 'GET',
        headers: onFirstOrigin ? headers : {},
        signal,
        ...(options.dispatcher && { dispatcher: options.dispatcher }),
      });
      const status = response.statusCode;
      if (redirectStatuses.has(status)) {
        await response.body.dump().catch(() => undefined);
        const location = response.headers.location;
        const next = typeof location === 'string' ? parseUrl(location, url) : undefined;
        if (!next) throw failed(file, policy, `HTTP ${status}`);
        // Like fetch: once a redirect leaves the first origin, its credentials are never sent again.
        if (next.origin !== first) onFirstOrigin = false;
        url = next;
        continue;
      }
      if (status !== 200) {
        await response.body.dump().catch(() => undefined);
        throw failed(file, policy, `HTTP ${status}`);
      }
      const declared = Number(response.headers['content-length']);
      if (declared > maxBytes) {
        response.body.destroy();
        throw tooLarge(file, declared);
      }
      const contentType = response.headers['content-type'];
      return {
        bytes: await readCapped(response.body, file),
        contentType: typeof contentType === 'string' ? contentType : '',
      };
    }
    throw failed(file, policy, 'too many redirects');
  }

  async function download(file: RemoteFile, policy: AttachmentPolicy): Promise<Download> {
    const refused = refusal(file, policy);
    if (refused) throw refused;
    const release = await slots.acquire();
    try {
      return await fetchFile(file, policy);
    } catch (error) {
      if (isImagineError(error)) throw error;
      options.logger?.info('an attachment download failed', { platform: policy.platform, error });
      throw failed(file, policy, undefined, error);
    } finally {
      release();
    }
  }

  async function read(file: RemoteFile, policy: AttachmentPolicy): Promise<InputImage> {
    const downloaded = await download(file, policy);
    const mediaType = sniffImageType(downloaded.bytes);
    if (mediaType) return { bytes: downloaded.bytes, mediaType };
    throw (
      policy.explainNotImage?.(downloaded, file) ??
      new ImagineError(
        'invalid_image',
        `"${file.name}" is not an image (it looks like ${describeBytes(downloaded.bytes)}); attach PNG, JPEG, WEBP or GIF files.`,
      )
    );
  }

  return {
    maxBytes,
    refusal,
    read,
    attachment(file, policy) {
      const refused = refusal(file, policy);
      return {
        name: file.name,
        ...(file.declaredBytes !== undefined && { declaredBytes: file.declaredBytes }),
        ...(refused && { refusal: refused }),
        read: () => read(file, policy),
      };
    },
  };
}
