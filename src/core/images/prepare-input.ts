import sharp from 'sharp';
import { ImagineError } from '../errors.js';
import type { InputImage } from '../request.js';
import { type BmpHeader, canDecodeBmp, decodeBmp, type RawImage, readBmpHeader } from './bmp.js';
import { describeBytes, type ImageMediaType, sniffImageType } from './sniff.js';

export interface InputLimits {
  /** Media types the model takes (`image/png`…). */
  formats: readonly string[];
  maxBytes: number;
  /** Refused before decoding: a tiny file can declare a huge canvas (decompression bomb). Default 40 megapixels. */
  maxPixels?: number;
  maxSide?: number;
}

export type PreparedImage = InputImage & {
  width: number;
  height: number;
  /** What was done to the picture, for a footnote: `converted WEBP→PNG, downscaled 8000x6000→4096x3072`. */
  changed?: string;
};

const outputTypes = ['image/png', 'image/jpeg', 'image/webp'] as const;
type OutputType = (typeof outputTypes)[number];

const defaultMaxPixels = 40_000_000;
/** Up to this many pixels a conversion stays lossless (PNG): icons, screenshots, small drawings. */
const smallPixels = 1_000_000;
const maxAttempts = 10;
const minimumSide = 16;
const firstQuality = 90;
const lowestQuality = 60;

interface Source {
  type: ImageMediaType;
  /** As displayed, EXIF orientation applied. */
  width: number;
  height: number;
  opaque: boolean;
  pages: number;
  bmp?: BmpHeader;
}

/**
 * Checks a user's picture and makes it fit the model: converted when the model cannot read its format,
 * downscaled when it is too heavy or too wide. A picture that already fits is returned byte for byte.
 * All pixel work runs in sharp (libuv's threadpool), never in a JS loop.
 */
export async function prepareInputImage(
  bytes: Uint8Array,
  limits: InputLimits,
  options: { index?: number } = {},
): Promise<PreparedImage> {
  const label = options.index === undefined ? 'The image' : `Image ${options.index}`;
  const accepted = normaliseFormats(limits.formats);
  const maxPixels = limits.maxPixels ?? defaultMaxPixels;
  const source = await inspect(bytes, limits, accepted, maxPixels, label);
  if (fitsAsIs(bytes, source, limits, accepted)) {
    return { bytes: ownBytes(bytes), mediaType: source.type, width: source.width, height: source.height };
  }
  const target = chooseOutput(source, accepted);
  if (target === undefined) {
    throw invalidImage(
      `${label} is ${formatName(source.type)}, which I can't convert to a format this model reads.`,
    );
  }
  return fitToLimits(bytes, source, target, { ...limits, maxPixels, accepted }, label);
}

async function inspect(
  bytes: Uint8Array,
  limits: InputLimits,
  accepted: ReadonlySet<string>,
  maxPixels: number,
  label: string,
): Promise<Source> {
  const send = `Send ${listFormats(accepted)}.`;
  const type = sniffImageType(bytes);
  if (type === undefined) {
    throw invalidImage(
      `${label} is not a picture this model can read (got ${describeBytes(bytes)}). ${send}`,
    );
  }
  const unreadable = invalidImage(
    type === 'image/heic' || type === 'image/bmp'
      ? `${label} is a ${formatName(type)} file I can't read. ${send}`
      : `${label} is damaged or incomplete and could not be read. Send it again, or as ${listFormats(accepted)}.`,
  );
  const source = await readHeader(bytes, type).catch(() => undefined);
  if (source === undefined) throw unreadable;
  if (source.width * source.height > maxPixels) {
    throw invalidImage(
      `${label} is too large to open (${source.width}x${source.height} pixels; the limit is ` +
        `${formatPixels(maxPixels)}). Send a smaller picture.`,
    );
  }
  if (type === 'image/bmp') {
    if (source.bmp === undefined || !canDecodeBmp(bytes, source.bmp)) {
      if (fitsAsIs(bytes, source, limits, accepted)) return source;
      throw unreadable;
    }
    return source;
  }
  if (type === 'image/heic' && accepted.has(type)) {
    // sharp's prebuilt binaries carry no HEVC decoder: the header is all we can check; the model decodes it.
    return source;
  }
  // Really decode (failOn 'truncated') so a cut-off upload fails here, not upstream; stats also tells opacity.
  const stats = await sharp(bytes, decodeOptions(maxPixels))
    .stats()
    .catch(() => undefined);
  if (stats === undefined) throw unreadable;
  return { ...source, opaque: source.opaque || stats.isOpaque };
}

function fitsAsIs(
  bytes: Uint8Array,
  source: Source,
  limits: InputLimits,
  accepted: ReadonlySet<string>,
): boolean {
  const fitsSide = limits.maxSide === undefined || Math.max(source.width, source.height) <= limits.maxSide;
  return accepted.has(source.type) && fitsSide && bytes.length <= limits.maxBytes;
}

async function readHeader(bytes: Uint8Array, type: ImageMediaType): Promise<Source | undefined> {
  if (type === 'image/bmp') {
    const bmp = readBmpHeader(bytes);
    if (bmp === undefined) return undefined;
    return { type, width: bmp.width, height: bmp.height, opaque: true, pages: 1, bmp };
  }
  // Header only, nothing decoded: lift sharp's own pixel limit so our check below can name the size.
  const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  const { width, height } = metadata.autoOrient;
  if (!(width > 0 && height > 0)) return undefined;
  return { type, width, height, opaque: !metadata.hasAlpha, pages: metadata.pages ?? 1 };
}

function decodeOptions(maxPixels: number): sharp.SharpOptions {
  return { failOn: 'truncated', limitInputPixels: maxPixels, autoOrient: true };
}

/** Keep PNG/JPEG/WEBP the model takes; else PNG for transparency or small pictures, JPEG for photos. */
function chooseOutput(source: Source, accepted: ReadonlySet<string>): OutputType | undefined {
  const keep = outputTypes.find((type) => type === source.type && accepted.has(type));
  if (keep !== undefined) return keep;
  const lossless = !source.opaque || source.width * source.height <= smallPixels;
  const order: OutputType[] = lossless
    ? ['image/png', 'image/webp', 'image/jpeg']
    : ['image/jpeg', 'image/webp', 'image/png'];
  return order.find((type) => accepted.has(type));
}

async function fitToLimits(
  bytes: Uint8Array,
  source: Source,
  firstTarget: OutputType,
  limits: InputLimits & { maxPixels: number; accepted: ReadonlySet<string> },
  label: string,
): Promise<PreparedImage> {
  const cannotConvert = (cause: unknown) =>
    new ImagineError(
      'invalid_image',
      `${label} (${formatName(source.type)}) could not be converted. Send it as PNG or JPEG.`,
      { cause },
    );
  const raw =
    source.bmp === undefined
      ? undefined
      : await decodeBmp(bytes, source.bmp).catch((cause: unknown) => {
          throw cannotConvert(cause);
        });
  const longSide = Math.max(source.width, source.height);
  let target = firstTarget;
  let scale = limits.maxSide === undefined ? 1 : Math.min(1, limits.maxSide / longSide);
  let quality = firstQuality;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const width = Math.max(1, Math.round(source.width * scale));
    const height = Math.max(1, Math.round(source.height * scale));
    if (attempt > 0 && Math.min(width, height) < minimumSide) break;
    const output = await encode(
      bytes,
      raw,
      source,
      target,
      { width, height, quality },
      limits.maxPixels,
    ).catch((cause: unknown) => {
      throw cannotConvert(cause);
    });
    if (output.data.length <= limits.maxBytes) {
      return {
        bytes: ownBytes(output.data),
        mediaType: target,
        width: output.info.width,
        height: output.info.height,
        changed: describeChange(source, target, output.info),
      };
    }
    // A PNG too heavy for the limit is usually a photo: JPEG keeps more of it than shrinking would.
    if (target === 'image/png' && source.opaque && limits.accepted.has('image/jpeg')) {
      target = 'image/jpeg';
      continue;
    }
    // Bytes grow roughly with pixels: shrink by the square root of the overshoot, a margin below it.
    const overshoot = output.data.length / limits.maxBytes;
    const canLowerQuality = target !== 'image/png' && quality > lowestQuality;
    if (canLowerQuality) quality -= 10;
    if (!canLowerQuality || overshoot > 1.3) scale *= Math.min(0.9, Math.sqrt(1 / overshoot) * 0.95);
  }
  throw invalidImage(
    `${label} could not be made smaller than ${formatBytes(limits.maxBytes)}. Send a smaller picture.`,
  );
}

async function encode(
  bytes: Uint8Array,
  raw: RawImage | undefined,
  source: Source,
  target: OutputType,
  size: { width: number; height: number; quality: number },
  maxPixels: number,
): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  let image =
    raw === undefined
      ? sharp(bytes, decodeOptions(maxPixels))
      : sharp(raw.pixels, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  if (size.width !== source.width || size.height !== source.height) {
    image = image.resize(size.width, size.height, { fit: 'fill' });
  }
  if (target === 'image/jpeg') {
    image = image.flatten({ background: '#ffffff' }).jpeg({ quality: size.quality });
  } else if (target === 'image/webp') {
    image = image.webp({ quality: size.quality });
  } else {
    image = image.png();
  }
  return image.toBuffer({ resolveWithObject: true });
}

function describeChange(
  source: Source,
  target: OutputType,
  output: { width: number; height: number },
): string {
  const changes: string[] = [];
  if (target !== source.type) {
    const frame = source.pages > 1 ? ' (first frame)' : '';
    changes.push(`converted ${formatName(source.type)}→${formatName(target)}${frame}`);
  }
  if (output.width !== source.width || output.height !== source.height) {
    changes.push(`downscaled ${source.width}x${source.height}→${output.width}x${output.height}`);
  }
  return changes.length > 0 ? changes.join(', ') : 'recompressed to fit the size limit';
}

function normaliseFormats(formats: readonly string[]): ReadonlySet<string> {
  const accepted = new Set(formats.map((format) => format.trim().toLowerCase()));
  if (accepted.has('image/jpg')) accepted.add('image/jpeg');
  // HEIC is HEIF with HEVC inside: a model that takes HEIF reads it.
  if (accepted.has('image/heif')) accepted.add('image/heic');
  return accepted;
}

function formatName(mediaType: string): string {
  return (mediaType.split('/')[1] ?? mediaType).toUpperCase();
}

/** `PNG, JPEG or WEBP` */
function listFormats(accepted: ReadonlySet<string>): string {
  const names = [...new Set([...accepted].filter((type) => type !== 'image/jpg').map(formatName))];
  if (names.length <= 1) return names[0] ?? 'PNG or JPEG';
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function formatPixels(pixels: number): string {
  return pixels >= 1_000_000 ? `${Number((pixels / 1_000_000).toFixed(1))} megapixels` : `${pixels} pixels`;
}

function formatBytes(bytes: number): string {
  const megabytes = bytes / 1_048_576;
  if (megabytes >= 1) return `${Number(megabytes.toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The same bytes; copied only in the rare case they sit in a SharedArrayBuffer, which InputImage excludes. */
function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return isOnArrayBuffer(bytes) ? bytes : new Uint8Array(bytes);
}

function isOnArrayBuffer(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer;
}

function invalidImage(message: string): ImagineError {
  return new ImagineError('invalid_image', message);
}
