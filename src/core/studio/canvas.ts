import sharp from 'sharp';
import { ImagineError } from '../errors.js';
import type { PanDirection } from '../jobs/job.js';

export interface Dimensions {
  width: number;
  height: number;
}

/** Space added on each side of a picture, in pixels. */
export interface Padding {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface CanvasImage extends Dimensions {
  bytes: Buffer;
  mediaType: string;
}

/** The empty area a model is asked to fill: flat mid grey, which no model mistakes for part of the picture. */
export const emptyAreaColour = { r: 128, g: 128, b: 128, alpha: 1 };
/** How much a pan adds to the side it extends, as a share of the picture's width or height. */
export const panShare = 0.5;
/** No padded canvas is larger than this on its longer side (the models' own limit is 4K). */
const maxCanvasSide = 4096;
/** A local enlargement stops at this longer side. */
export const maxEnlargedSide = 8192;

/** Width and height as displayed (EXIF orientation applied). */
export async function imageDimensions(bytes: Uint8Array): Promise<Dimensions> {
  const metadata = await sharp(bytes).metadata();
  const swapped = (metadata.orientation ?? 1) >= 5;
  const width = swapped ? metadata.height : metadata.width;
  const height = swapped ? metadata.width : metadata.height;
  if (!width || !height) throw new ImagineError('invalid_image', 'That image could not be read.');
  return { width, height };
}

/** Zoom out: the picture centred on a canvas `factor` times as wide and as high. */
export function zoomPadding(size: Dimensions, factor: number): Padding {
  const extraWidth = Math.round(size.width * factor) - size.width;
  const extraHeight = Math.round(size.height * factor) - size.height;
  const left = Math.floor(extraWidth / 2);
  const top = Math.floor(extraHeight / 2);
  return { left, right: extraWidth - left, top, bottom: extraHeight - top };
}

/** Pan: one side extended by `panShare` of the picture. */
export function panPadding(size: Dimensions, direction: PanDirection): Padding {
  const across = Math.round(size.width * panShare);
  const down = Math.round(size.height * panShare);
  return {
    left: direction === 'left' ? across : 0,
    right: direction === 'right' ? across : 0,
    top: direction === 'up' ? down : 0,
    bottom: direction === 'down' ? down : 0,
  };
}

/**
 * The picture on a larger canvas, the new area flat grey, as PNG. A canvas over 4096 px is scaled down as a whole
 * first, so the model gets the same framing at a size it takes.
 */
export async function padImage(bytes: Uint8Array, padding: Padding): Promise<CanvasImage> {
  const size = await imageDimensions(bytes);
  const canvasWidth = size.width + padding.left + padding.right;
  const canvasHeight = size.height + padding.top + padding.bottom;
  const scale = Math.min(1, maxCanvasSide / Math.max(canvasWidth, canvasHeight));
  const scaled = (value: number) => Math.round(value * scale);
  let picture = sharp(bytes).rotate();
  if (scale < 1) picture = picture.resize(scaled(size.width), scaled(size.height), { kernel: 'lanczos3' });
  const output = await picture
    .extend({
      left: scaled(padding.left),
      right: scaled(padding.right),
      top: scaled(padding.top),
      bottom: scaled(padding.bottom),
      background: emptyAreaColour,
    })
    .png()
    .toBuffer({ resolveWithObject: true });
  return {
    bytes: output.data,
    mediaType: 'image/png',
    width: output.info.width,
    height: output.info.height,
  };
}

function outputFormat(mediaType: string): 'jpeg' | 'webp' | 'png' {
  if (mediaType === 'image/jpeg') return 'jpeg';
  return mediaType === 'image/webp' ? 'webp' : 'png';
}

/** The picture `factor` times larger (lanczos3), in its own format where that is JPEG, WEBP or PNG (else PNG). */
export async function enlargeImage(
  bytes: Uint8Array,
  mediaType: string,
  factor: number,
): Promise<CanvasImage> {
  const size = await imageDimensions(bytes);
  const format = outputFormat(mediaType);
  const output = await sharp(bytes)
    .rotate()
    .resize(Math.round(size.width * factor), Math.round(size.height * factor), { kernel: 'lanczos3' })
    .toFormat(format, format === 'png' ? {} : { quality: 92 })
    .toBuffer({ resolveWithObject: true });
  return {
    bytes: output.data,
    mediaType: `image/${format}`,
    width: output.info.width,
    height: output.info.height,
  };
}
