import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImagineError } from '../../src/core/errors.js';
import {
  extensionFor,
  type InputLimits,
  mediaTypes,
  prepareInputImage,
  sniffImageType,
} from '../../src/core/images/index.js';

const pngJpegWebp: InputLimits = {
  formats: ['image/png', 'image/jpeg', 'image/webp'],
  maxBytes: 7 * 1_048_576,
};
const pngJpeg: InputLimits = { formats: ['image/png', 'image/jpeg'], maxBytes: 10 * 1_048_576 };

function solid(width: number, height: number, channels: 3 | 4 = 3) {
  const background = channels === 4 ? { r: 200, g: 30, b: 60, alpha: 0.5 } : { r: 200, g: 30, b: 60 };
  return sharp({ create: { width, height, channels, background } });
}

function noisy(width: number, height: number) {
  const noise = { type: 'gaussian', mean: 128, sigma: 60 } as const;
  return sharp({ create: { width, height, channels: 3, background: '#000000', noise } });
}

/** A bottom-up 24-bit BMP; `rows` lists RGB pixels top row first. */
function bmp24(rows: readonly (readonly [number, number, number])[][]): Buffer {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + rowBytes * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(rowBytes * height, 34);
  rows.forEach((row, rowIndex) => {
    const start = 54 + (height - 1 - rowIndex) * rowBytes;
    row.forEach(([red, green, blue], column) => {
      file.set([blue, green, red], start + column * 3);
    });
  });
  return file;
}

/** Rewrites a PNG's IHDR size (and its CRC) without touching the pixel data. */
function withDeclaredSize(png: Buffer, width: number, height: number): Buffer {
  const edited = Buffer.from(png);
  edited.writeUInt32BE(width, 16);
  edited.writeUInt32BE(height, 20);
  edited.writeUInt32BE(crc32(edited.subarray(12, 29)), 29);
  return edited;
}

async function rejection(promise: Promise<unknown>): Promise<ImagineError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ImagineError)) throw new Error(`expected an ImagineError, got ${String(error)}`);
  return error;
}

async function rawPixels(bytes: Uint8Array): Promise<number[]> {
  return [...(await sharp(bytes).removeAlpha().raw().toBuffer())];
}

describe('sniffImageType', () => {
  it('recognises each format from its magic bytes', async () => {
    const base = solid(8, 6);
    expect(sniffImageType(await base.clone().png().toBuffer())).toBe('image/png');
    expect(sniffImageType(await base.clone().jpeg().toBuffer())).toBe('image/jpeg');
    expect(sniffImageType(await base.clone().webp().toBuffer())).toBe('image/webp');
    expect(sniffImageType(await base.clone().gif().toBuffer())).toBe('image/gif');
    expect(sniffImageType(await base.clone().tiff().toBuffer())).toBe('image/tiff');
    expect(sniffImageType(await base.clone().avif().toBuffer())).toBe('image/avif');
    expect(sniffImageType(bmp24([[[1, 2, 3]]]))).toBe('image/bmp');
  });

  it('tells HEIC from AVIF by the ftyp brands', () => {
    const ftyp = (major: string, ...compatible: string[]) => {
      const box = Buffer.alloc(16 + compatible.length * 4);
      box.writeUInt32BE(box.length, 0);
      box.write(`ftyp${major}`, 4, 'latin1');
      for (const [index, brand] of compatible.entries()) box.write(brand, 16 + index * 4, 'latin1');
      return box;
    };
    expect(sniffImageType(ftyp('heic', 'mif1', 'heic'))).toBe('image/heic');
    expect(sniffImageType(ftyp('heix', 'mif1'))).toBe('image/heic');
    expect(sniffImageType(ftyp('mif1', 'heic'))).toBe('image/heic');
    expect(sniffImageType(ftyp('mif1', 'miaf', 'avif'))).toBe('image/avif');
    expect(sniffImageType(ftyp('isom', 'mp41'))).toBeUndefined();
  });

  it('rejects non-images, including text that starts like a BMP', () => {
    expect(sniffImageType(Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'))).toBeUndefined();
    expect(
      sniffImageType(Buffer.from('BMW is a car maker, and this is a long enough line.')),
    ).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
  });

  it('names a file extension for every media type', () => {
    expect(mediaTypes.map(extensionFor)).toEqual([
      'png',
      'jpg',
      'gif',
      'webp',
      'bmp',
      'tiff',
      'heic',
      'avif',
    ]);
  });
});

describe('prepareInputImage', () => {
  it('refuses HTML, naming what it got and the formats the model takes', async () => {
    const html = Buffer.from('<!doctype html>\n<html><head><title>403 Forbidden</title></head></html>');
    const error = await rejection(prepareInputImage(html, pngJpegWebp, { index: 2 }));
    expect(error.code).toBe('invalid_image');
    expect(error.message).toBe(
      'Image 2 is not a picture this model can read (got text/HTML). Send PNG, JPEG or WEBP.',
    );
  });

  it('describes a PDF and an empty upload without an index', async () => {
    const pdf = await rejection(prepareInputImage(Buffer.from('%PDF-1.7\n'), pngJpeg));
    expect(pdf.message).toBe('The image is not a picture this model can read (got PDF). Send PNG or JPEG.');
    const empty = await rejection(prepareInputImage(new Uint8Array(), pngJpeg));
    expect(empty.message).toBe(
      'The image is not a picture this model can read (got an empty file). Send PNG or JPEG.',
    );
  });

  it('refuses a truncated PNG after really decoding it', async () => {
    const png = await noisy(300, 200).png().toBuffer();
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    const error = await rejection(prepareInputImage(truncated, pngJpegWebp, { index: 1 }));
    expect(error.code).toBe('invalid_image');
    expect(error.message).toBe(
      'Image 1 is damaged or incomplete and could not be read. Send it again, or as PNG, JPEG or WEBP.',
    );
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    // The IDAT holds one pixel: decoding would fail as "damaged", so this message proves nothing was decoded.
    const bomb = withDeclaredSize(await solid(1, 1).png().toBuffer(), 30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    const error = await rejection(prepareInputImage(bomb, pngJpegWebp, { index: 1 }));
    expect(error.code).toBe('invalid_image');
    expect(error.message).toBe(
      'Image 1 is too large to open (30000x30000 pixels; the limit is 40 megapixels). Send a smaller picture.',
    );
  });

  it('honours a lower pixel limit', async () => {
    const png = await solid(300, 200).png().toBuffer();
    const error = await rejection(prepareInputImage(png, { ...pngJpeg, maxPixels: 50_000 }));
    expect(error.message).toBe(
      'The image is too large to open (300x200 pixels; the limit is 50000 pixels). Send a smaller picture.',
    );
  });

  it('returns an image that already fits byte for byte', async () => {
    const jpeg = await noisy(640, 480).jpeg({ quality: 80 }).toBuffer();
    const prepared = await prepareInputImage(jpeg, pngJpegWebp);
    expect(prepared.bytes).toBe(jpeg);
    expect(prepared).toEqual({ bytes: jpeg, mediaType: 'image/jpeg', width: 640, height: 480 });
  });

  it('converts a small WEBP to PNG for a model that takes only PNG and JPEG, keeping its size', async () => {
    const webp = await solid(640, 360).webp({ lossless: true }).toBuffer();
    const prepared = await prepareInputImage(webp, pngJpeg);
    expect(prepared.mediaType).toBe('image/png');
    expect(sniffImageType(prepared.bytes)).toBe('image/png');
    expect([prepared.width, prepared.height]).toEqual([640, 360]);
    expect(prepared.changed).toBe('converted WEBP→PNG');
    expect((await rawPixels(prepared.bytes)).slice(0, 3)).toEqual([200, 30, 60]);
  });

  it('converts a large opaque WEBP photo to JPEG', async () => {
    const webp = await noisy(1600, 900).webp({ quality: 60 }).toBuffer();
    const prepared = await prepareInputImage(webp, pngJpeg);
    expect(prepared.mediaType).toBe('image/jpeg');
    expect(sniffImageType(prepared.bytes)).toBe('image/jpeg');
    expect([prepared.width, prepared.height]).toEqual([1600, 900]);
    expect(prepared.changed).toBe('converted WEBP→JPEG');
  });

  it('keeps transparency as PNG when converting', async () => {
    const webp = await solid(1200, 1000, 4).webp({ lossless: true }).toBuffer();
    const prepared = await prepareInputImage(webp, pngJpeg);
    expect(prepared.mediaType).toBe('image/png');
    expect((await sharp(prepared.bytes).stats()).isOpaque).toBe(false);
  });

  it('downscales a heavy noisy image under maxBytes, keeping its aspect ratio', async () => {
    const jpeg = await noisy(2000, 1500).jpeg({ quality: 95 }).toBuffer();
    const maxBytes = 250_000;
    expect(jpeg.length).toBeGreaterThan(maxBytes * 3);
    const prepared = await prepareInputImage(jpeg, { formats: ['image/jpeg'], maxBytes });
    expect(prepared.bytes.length).toBeLessThanOrEqual(maxBytes);
    expect(prepared.mediaType).toBe('image/jpeg');
    expect(prepared.width).toBeLessThan(2000);
    expect(Math.abs(prepared.height - (prepared.width * 3) / 4)).toBeLessThanOrEqual(1);
    const metadata = await sharp(prepared.bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([prepared.width, prepared.height]);
    expect(prepared.changed).toBe(`downscaled 2000x1500→${prepared.width}x${prepared.height}`);
  });

  it('turns a heavy opaque PNG into a JPEG before shrinking it', async () => {
    const png = await noisy(800, 600).png().toBuffer();
    const prepared = await prepareInputImage(png, { ...pngJpeg, maxBytes: 400_000 });
    expect(prepared.mediaType).toBe('image/jpeg');
    expect(prepared.bytes.length).toBeLessThanOrEqual(400_000);
    expect(prepared.changed).toBe('converted PNG→JPEG');
  });

  it('downscales a side longer than maxSide and keeps the format', async () => {
    const png = await solid(3000, 1000).png().toBuffer();
    const prepared = await prepareInputImage(png, { ...pngJpeg, maxSide: 1500 });
    expect([prepared.mediaType, prepared.width, prepared.height]).toEqual(['image/png', 1500, 500]);
    expect(prepared.changed).toBe('downscaled 3000x1000→1500x500');
  });

  it('refuses a picture that cannot be made small enough', async () => {
    const jpeg = await noisy(400, 300).jpeg().toBuffer();
    const error = await rejection(
      prepareInputImage(jpeg, { formats: ['image/jpeg'], maxBytes: 100 }, { index: 3 }),
    );
    expect(error.code).toBe('invalid_image');
    expect(error.message).toBe('Image 3 could not be made smaller than 100 bytes. Send a smaller picture.');
  });

  it('applies EXIF orientation when re-encoding', async () => {
    const jpeg = await solid(40, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const passedThrough = await prepareInputImage(jpeg, pngJpeg);
    expect([passedThrough.width, passedThrough.height]).toEqual([20, 40]);
    const prepared = await prepareInputImage(jpeg, { formats: ['image/png'], maxBytes: 1_048_576 });
    expect([prepared.mediaType, prepared.width, prepared.height]).toEqual(['image/png', 20, 40]);
    const metadata = await sharp(prepared.bytes).metadata();
    expect([metadata.width, metadata.height, metadata.orientation]).toEqual([20, 40, undefined]);
  });

  it('keeps the first frame of an animated GIF', async () => {
    const red = await sharp({ create: { width: 10, height: 6, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 10, height: 6, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer();
    const gif = await sharp([red, blue, blue], { join: { animated: true } })
      .gif({ delay: 100 })
      .toBuffer();
    const prepared = await prepareInputImage(gif, pngJpeg, { index: 1 });
    expect([prepared.mediaType, prepared.width, prepared.height]).toEqual(['image/png', 10, 6]);
    expect(prepared.changed).toBe('converted GIF→PNG (first frame)');
    expect(await rawPixels(prepared.bytes)).toEqual(Array.from({ length: 60 }, () => [255, 0, 0]).flat());
  });

  it('converts TIFF for a model that does not read it', async () => {
    const tiff = await solid(30, 20).tiff().toBuffer();
    const prepared = await prepareInputImage(tiff, pngJpeg);
    expect([prepared.mediaType, prepared.width, prepared.height, prepared.changed]).toEqual([
      'image/png',
      30,
      20,
      'converted TIFF→PNG',
    ]);
  });

  it('decodes a padded bottom-up BMP into the right pixels', async () => {
    const bmp = bmp24([
      [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
      ],
      [
        [10, 20, 30],
        [40, 50, 60],
        [70, 80, 90],
      ],
    ]);
    const prepared = await prepareInputImage(bmp, pngJpeg);
    expect([prepared.mediaType, prepared.width, prepared.height, prepared.changed]).toEqual([
      'image/png',
      3,
      2,
      'converted BMP→PNG',
    ]);
    expect(await rawPixels(prepared.bytes)).toEqual([
      255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90,
    ]);
  });

  it('passes a BMP through to a model that reads BMP, and refuses a cut-off one', async () => {
    const bmp = bmp24([[[1, 2, 3]], [[4, 5, 6]]]);
    const prepared = await prepareInputImage(bmp, { formats: ['image/bmp', 'image/png'], maxBytes: 1000 });
    expect(prepared).toEqual({ bytes: bmp, mediaType: 'image/bmp', width: 1, height: 2 });
    const error = await rejection(prepareInputImage(bmp.subarray(0, bmp.length - 2), pngJpeg, { index: 1 }));
    expect(error.message).toBe("Image 1 is a BMP file I can't read. Send PNG or JPEG.");
  });
});
