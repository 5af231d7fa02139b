import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ImagineError } from '../errors.js';
import { type ImageStore, imageStoreFailure, sha256Pattern } from './image-store.js';
import { normaliseTtl } from './keyv-store.js';
import { periodicSweep } from './periodic-sweep.js';
import type { StoreLogger } from './store.js';

/** Where the images go: `s3://bucket[/prefix]?endpoint=…&region=…`, parsed by `parseS3Url`. */
export interface S3Location {
  bucket: string;
  /** Key prefix, ending with `/`: `images/` unless the URL has a path. */
  prefix: string;
  /** A custom endpoint (R2, MinIO, a local server); absent = AWS S3. */
  endpoint?: string;
  /** Absent: the SDK's own (AWS_REGION), or `us-east-1` with a custom endpoint that ignores it. */
  region?: string;
}

export interface S3ImageStoreOptions {
  logger: StoreLogger;
  now?: () => number;
  /** Instead of the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** How long opening waits for the bucket to answer. Default 10 s. */
  connectTimeoutMs?: number;
  /** How often expired objects are removed. Default one hour; 0 = never on a timer (tests call sweep()). */
  sweepIntervalMs?: number;
}

export interface S3ImageStore extends ImageStore {
  /** Deletes the objects under the prefix whose expiry has passed; returns how many. */
  sweep(): Promise<number>;
}

const defaultSweepIntervalMs = 60 * 60 * 1000;
const defaultPrefix = 'images/';
// x-amz-meta-expires-at: milliseconds since the epoch, on the store's clock.
const expiresAtKey = 'expires-at';

function configError(message: string): ImagineError {
  return new ImagineError('config', message, { option: 'IMAGE_STORE_URL' });
}

/** `s3://bucket[/prefix][?endpoint=https://host[:port]][&region=name]` → where images go. */
export function parseS3Url(url: string): S3Location {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const bucket = parsed?.hostname ?? '';
  if (parsed === undefined || bucket === '') {
    throw configError('IMAGE_STORE_URL s3:// needs a bucket, e.g. s3://my-images?region=eu-west-1.');
  }
  const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/?#]+/.test(endpoint)) {
    throw configError(
      'IMAGE_STORE_URL endpoint must be an http:// or https:// URL, e.g. endpoint=http://minio:9000.',
    );
  }
  const region = parsed.searchParams.get('region') ?? undefined;
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
  return {
    bucket,
    prefix: path === '' ? defaultPrefix : `${path}/`,
    ...(endpoint !== undefined && { endpoint }),
    ...(region !== undefined && region !== '' && { region }),
  };
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function sdkError(error: unknown): SdkError {
  return typeof error === 'object' && error !== null ? (error as SdkError) : {};
}

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = sdkError(error);
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

function describeError(error: unknown): string {
  const { name, message } = sdkError(error);
  const text = message && message !== 'UnknownError' ? message : String(error);
  return name && !text.startsWith(name) ? `${name}: ${text}` : text;
}

/**
 * Any S3-compatible store (AWS S3, R2, MinIO), one object per image under `<prefix><sha256>`.
 *
 * S3 has no per-object TTL: lifecycle rules expire whole prefixes after whole days, need bucket-admin rights and
 * differ between providers. So each object carries its expiry in its metadata (`x-amz-meta-expires-at`): a read
 * past it is a miss, a put of a known hash copies the object onto itself with the new expiry (server-side, the
 * bytes are not sent again), and a sweep deletes what has passed it. The AWS SDK is imported on open only, so
 * the CLI never loads it unless IMAGE_STORE_URL is s3://.
 */
export async function openS3ImageStore(
  location: S3Location,
  options: S3ImageStoreOptions,
): Promise<S3ImageStore> {
  const sdk = await import('@aws-sdk/client-s3');
  const { logger } = options;
  const now = options.now ?? Date.now;
  const { bucket, prefix } = location;
  const where = `${location.endpoint ?? 's3'}/${bucket}/${prefix}`;
  // A custom endpoint (MinIO, a local server) mostly ignores the region, but the SDK needs one to sign.
  const region = location.region ?? (location.endpoint === undefined ? undefined : 'us-east-1');
  const config: S3ClientConfig = {
    // Path-style (`endpoint/bucket/key`): MinIO and local servers have no per-bucket host names.
    ...(location.endpoint !== undefined && { endpoint: location.endpoint, forcePathStyle: true }),
    ...(region !== undefined && { region }),
    ...(options.credentials && { credentials: options.credentials }),
    // The SDK's default CRC checksums (2025) are refused by some S3-compatible servers; S3 needs none for these.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  };
  const client: S3Client = new sdk.S3Client(config);
  const keyOf = (hash: string) => `${prefix}${hash}`;
  const metadataFor = (ttlMs: number) => ({ [expiresAtKey]: String(now() + normaliseTtl(ttlMs)) });
  const expired = (metadata: Record<string, string> | undefined) => {
    const expiresAt = Number(metadata?.[expiresAtKey]);
    return !Number.isFinite(expiresAt) || expiresAt <= now();
  };

  try {
    await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }), {
      abortSignal: AbortSignal.timeout(options.connectTimeoutMs ?? 10_000),
    });
  } catch (error) {
    client.destroy();
    throw openError(error, where);
  }

  /** The object's HEAD (its metadata holds the expiry); undefined when there is no such object. */
  function headOrMissing(key: string) {
    return client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
  }

  const failure = (what: string, error: unknown) =>
    imageStoreFailure('S3', what, describeError(error), error);

  async function sweepOnce(): Promise<number> {
    let removed = 0;
    let continuationToken: string | undefined;
    do {
      const page = await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(continuationToken && { ContinuationToken: continuationToken }),
        }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined || !sha256Pattern.test(key.slice(prefix.length))) continue;
        // Listing has no metadata: one HEAD per object, once per sweep.
        const head = await headOrMissing(key);
        if (head === undefined || !expired(head.Metadata)) continue;
        await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
        removed += 1;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return removed;
  }

  const sweeper = periodicSweep(
    sweepOnce,
    options.sweepIntervalMs ?? defaultSweepIntervalMs,
    (error: unknown) => {
      logger.warn('image store sweep failed', { store: where, error: describeError(error) });
    },
  );

  /** A server-side copy of the object onto itself with the new expiry; false when there is no object. */
  async function moveExpiry(key: string, ttlMs: number): Promise<boolean> {
    try {
      await client.send(
        new sdk.CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          Metadata: metadataFor(ttlMs),
          ContentType: 'application/octet-stream',
        }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  return {
    async put(hash, bytes, ttlMs) {
      if (!sha256Pattern.test(hash))
        throw new ImagineError('invalid_request', 'An image hash must be sha256 hex.');
      const key = keyOf(hash);
      try {
        // Same hash, same bytes: moving the expiry saves sending them again.
        if (await moveExpiry(key, ttlMs)) return;
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            ContentLength: bytes.byteLength,
            ContentType: 'application/octet-stream',
            Metadata: metadataFor(ttlMs),
          }),
        );
      } catch (error) {
        throw failure('save an image', error);
      }
    },

    async keep(hash, ttlMs) {
      if (!sha256Pattern.test(hash)) return false;
      const key = keyOf(hash);
      try {
        const head = await headOrMissing(key);
        // Expired: gone for readers already, so not brought back.
        if (head === undefined || expired(head.Metadata)) return false;
        return await moveExpiry(key, ttlMs);
      } catch (error) {
        throw failure('keep an image', error);
      }
    },

    async get(hash) {
      if (!sha256Pattern.test(hash)) return undefined;
      try {
        const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: keyOf(hash) }));
        const body = object.Body;
        if (body === undefined) return undefined;
        if (expired(object.Metadata)) {
          // Not read: the connection is released without downloading an image nobody will use.
          if ('destroy' in body && typeof body.destroy === 'function') body.destroy();
          return undefined;
        }
        const bytes = await body.transformToByteArray();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if (!isNotFound(error))
          logger.warn('image store read failed', { store: where, hash, error: describeError(error) });
        return undefined;
      }
    },

    sweep: sweeper.sweep,

    async close() {
      await sweeper.stop();
      client.destroy();
    },
  };
}

function openError(error: unknown, where: string): ImagineError {
  const { name, $metadata } = sdkError(error);
  const status = $metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError') {
    return new ImagineError(
      'config',
      'The S3 image store has no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      { cause: error },
    );
  }
  if (status === 404) {
    return new ImagineError('config', `The S3 image store's bucket does not exist: ${where}.`, {
      option: 'IMAGE_STORE_URL',
      status,
      cause: error,
    });
  }
  if (status === 401 || status === 403) {
    return new ImagineError(
      'auth',
      `The S3 image store refused the credentials (HTTP ${status}) for ${where}: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      { status, cause: error },
    );
  }
  const reason =
    name === 'TimeoutError' || name === 'AbortError' ? 'no answer in time' : describeError(error);
  return new ImagineError('network', `Could not reach the S3 image store at ${where}: ${reason}.`, {
    retryable: true,
    cause: error,
  });
}
