import type { Dispatcher } from 'undici';
import type { LazyAttachment } from '../attachment.js';
import { ImagineError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { describeBytes } from '../images/index.js';
import type { Logger } from '../logger.js';
import type { InputImage } from '../request.js';
import { type FetchFailure, fetchImage } from './fetch-image.js';
import { createSemaphore } from './semaphore.js';

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

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function trustedOrigin(policy: AttachmentPolicy, url: URL | undefined): TrustedOrigin | undefined {
  return url && policy.origins.find((trusted) => trusted.origin === url.origin);
}

/**
 * Reads the files users attach on Slack and Discord through `fetchImage`: trusted origins only, a platform's
 * token only to its own origin (never after a redirect leaves it), a size cap checked on the declared size, the
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
  const notOnHome = (file: RemoteFile, policy: AttachmentPolicy) =>
    new ImagineError('invalid_image', `Could not read "${file.name}": it is not on ${policy.home}.`);

  function refusal(file: RemoteFile, policy: AttachmentPolicy): ImagineError | undefined {
    const url = parseUrl(file.url);
    if (!trustedOrigin(policy, url)) {
      options.logger?.warn('an attachment is not on a trusted origin: not downloaded', {
        platform: policy.platform,
        origin: url?.origin ?? 'not an http(s) URL',
      });
      return notOnHome(file, policy);
    }
    if (file.declaredBytes !== undefined && file.declaredBytes > maxBytes) {
      return tooLarge(file, file.declaredBytes);
    }
    return undefined;
  }

  function failure(file: RemoteFile, policy: AttachmentPolicy, why: FetchFailure): ImagineError {
    switch (why.kind) {
      case 'not-http':
      case 'refused':
        return notOnHome(file, policy);
      case 'bad-redirect':
      case 'status':
        return failed(file, policy, `HTTP ${why.status}`);
      case 'too-many-redirects':
        return failed(file, policy, 'too many redirects');
      case 'too-large':
        return tooLarge(file, why.declaredBytes);
      case 'not-image':
        return (
          policy.explainNotImage?.(why, file) ??
          new ImagineError(
            'invalid_image',
            `"${file.name}" is not an image (it looks like ${describeBytes(why.bytes)}); attach PNG, JPEG, WEBP or GIF files.`,
          )
        );
      case 'timeout':
      case 'network':
        return unreachable(file, policy, why.error);
      case 'refused-address':
        return unreachable(file, policy, why.refusal);
      case 'cancelled':
        return unreachable(file, policy, why.reason);
    }
  }

  function unreachable(file: RemoteFile, policy: AttachmentPolicy, error: unknown): ImagineError {
    options.logger?.info('an attachment download failed', { platform: policy.platform, error });
    return failed(file, policy, undefined, error);
  }

  async function read(file: RemoteFile, policy: AttachmentPolicy): Promise<InputImage> {
    const refused = refusal(file, policy);
    if (refused) throw refused;
    return fetchImage(file.url, {
      ...(options.dispatcher && { dispatcher: options.dispatcher }),
      // The first link must be on a trusted origin; its headers go only to it, and not after a redirect leaves it.
      headersFor(hop) {
        if (!hop.onFirstOrigin) return {};
        const trusted = trustedOrigin(policy, hop.url);
        return trusted && (trusted.headers ?? {});
      },
      maxBytes,
      timeoutMs,
      maxRedirects,
      slots,
      fail: (why) => failure(file, policy, why),
    });
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
