import sharp from 'sharp';
import { ImagineError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';

export { formatBytes };

export interface UploadImage {
  bytes: Buffer;
  mediaType: string;
}

type Target = 'image/jpeg' | 'image/webp';

// Quality first (invisible at these steps), pixels after: a smaller picture loses more than a lighter one.
const qualitySteps = [90, 80, 70] as const;
const downscaleQuality = 80;
const maxDownscales = 12;
/** Aim a little under the limit: output size is not exactly proportional to pixel count. */
const safetyMargin = 0.9;
/** WEBP cannot encode a side longer than this. */
const maxWebpSide = 16_383;

/**
 * Makes every image fit a platform's per-file upload limit (Discord's is per attachment). An image that fits
 * is returned byte for byte; one that does not is re-encoded (opaque → JPEG, with alpha → WEBP) and then
 * downscaled, aspect ratio kept, until it fits. All pixel work runs in sharp (libuv's threadpool).
 */
export async function fitToUploadLimit<T extends UploadImage>(
  images: readonly T[],
  limitBytes: number,
): Promise<{ images: T[]; resized: string | undefined }> {
  const fitted: T[] = [];
  let changed = 0;
  // One at a time: a few decoded 4K pictures at once would hold hundreds of MB.
  for (const image of images) {
    if (image.bytes.length <= limitBytes) {
      fitted.push(image);
      continue;
    }
    const smaller = await shrink(image.bytes, image.mediaType, limitBytes);
    fitted.push({ ...image, ...smaller });
    changed += 1;
  }
  return {
    images: fitted,
    resized: changed === 0 ? undefined : resizedNote(changed, images.length, limitBytes),
  };
}

/** `resized to fit the 8 MB upload limit`, or `resized 1 of 2 images to fit the 8 MB upload limit`. */
export function resizedNote(changed: number, total: number, limitBytes: number): string {
  const which = total === 1 ? '' : ` ${changed} of ${total} images`;
  return `resized${which} to fit the ${formatBytes(limitBytes)} upload limit`;
}

async function shrink(bytes: Buffer, mediaType: string, limitBytes: number): Promise<UploadImage> {
  const metadata = await sharp(bytes).metadata();
  const width = metadata.autoOrient.width;
  const height = metadata.autoOrient.height;
  const target = await chooseTarget(bytes, mediaType, metadata.hasAlpha);

  let currentWidth = width;
  let lastSize = Number.POSITIVE_INFINITY;
  if (target === 'image/webp' && Math.max(width, height) > maxWebpSide) {
    currentWidth = Math.floor((width * maxWebpSide) / Math.max(width, height));
  } else {
    for (const quality of qualitySteps) {
      const encoded = await encode(bytes, target, currentWidth === width ? undefined : currentWidth, quality);
      if (encoded.length <= limitBytes) return { bytes: encoded, mediaType: target };
      lastSize = encoded.length;
    }
  }
  for (let attempt = 0; attempt < maxDownscales && currentWidth > 1; attempt += 1) {
    if (Number.isFinite(lastSize)) {
      const scale = Math.min(0.9, Math.sqrt(limitBytes / lastSize) * safetyMargin);
      currentWidth = Math.max(1, Math.floor(currentWidth * scale));
    }
    const encoded = await encode(bytes, target, currentWidth, downscaleQuality);
    if (encoded.length <= limitBytes) return { bytes: encoded, mediaType: target };
    lastSize = encoded.length;
  }
  throw new ImagineError(
    'invalid_image',
    `The generated image cannot be made smaller than the ${formatBytes(limitBytes)} upload limit.`,
  );
}

async function chooseTarget(bytes: Buffer, mediaType: string, hasAlpha: boolean): Promise<Target> {
  if (mediaType === 'image/webp') return 'image/webp';
  if (!hasAlpha) return 'image/jpeg';
  // An alpha channel that is fully opaque everywhere (common in PNG output) needs no WEBP.
  const stats = await sharp(bytes).stats();
  return stats.isOpaque ? 'image/jpeg' : 'image/webp';
}

function encode(bytes: Buffer, target: Target, width: number | undefined, quality: number): Promise<Buffer> {
  // rotate(): bake EXIF orientation in, since re-encoding drops the metadata that carried it.
  let image = sharp(bytes).rotate();
  if (width !== undefined) image = image.resize({ width });
  if (target === 'image/jpeg') return image.flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer();
  return image.webp({ quality }).toBuffer();
}
