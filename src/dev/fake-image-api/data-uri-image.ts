import { z } from 'zod';

/** Input images arrive as data URIs; the fake checks that they hold real image bytes, as upstream does. */

export const imageFormats = ['png', 'jpeg', 'webp', 'gif', 'bmp', 'tiff'] as const;
export type ImageFormat = (typeof imageFormats)[number];

export interface DecodedImage {
  format: ImageFormat;
  bytes: Buffer;
}

/** The format named by the file's magic bytes, or undefined when they are not an image's. */
export function sniffImageFormat(bytes: Buffer): ImageFormat | undefined {
  const ascii = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) {
    return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(0, 6))) return 'gif';
  if (bytes.length >= 2 && ascii(0, 2) === 'BM') return 'bmp';
  if (bytes.length >= 4 && (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')) return 'tiff';
  return undefined;
}

export const mebibyte = 1024 * 1024;

export interface InputLimits {
  maxBytes: number;
  formats: readonly ImageFormat[];
}

const dataUriPattern = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/]*={0,2})$/i;

/** A `data:image/...;base64,...` string that must decode to real image bytes the family accepts. */
export function dataUriImage(limits: InputLimits) {
  return z.string().transform((value, context): DecodedImage => {
    const match = dataUriPattern.exec(value);
    if (!match?.[1]) {
      context.addIssue({ code: 'custom', message: 'expected a data:image/<type>;base64,<data> URI' });
      return z.NEVER;
    }
    const bytes = Buffer.from(match[1], 'base64');
    const format = sniffImageFormat(bytes);
    if (format === undefined) {
      context.addIssue({ code: 'custom', message: 'the data URI does not decode to image bytes' });
      return z.NEVER;
    }
    if (!limits.formats.includes(format)) {
      context.addIssue({
        code: 'custom',
        message: `${format} is not accepted here (accepted: ${limits.formats.join(', ')})`,
      });
      return z.NEVER;
    }
    if (bytes.length > limits.maxBytes) {
      context.addIssue({
        code: 'custom',
        message: `the image is ${bytes.length} bytes, over the ${limits.maxBytes / mebibyte} MB limit`,
      });
      return z.NEVER;
    }
    return { format, bytes };
  });
}
