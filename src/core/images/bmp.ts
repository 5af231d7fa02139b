import sharp from 'sharp';

/**
 * libvips reads BMP only through ImageMagick, which sharp's prebuilt binaries lack. BMPs are rare, but Qwen and
 * Seedream take them and Gemini does not, so we read the header ourselves and decode the two layouts that
 * cover nearly every real file (uncompressed 24- and 32-bit) with sharp's raw input: no per-pixel loop in JS.
 */
export interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel: number;
  /** 0 = BI_RGB, 3 = BI_BITFIELDS. */
  compression: number;
  topDown: boolean;
  pixelOffset: number;
  /** Rows are padded to 4 bytes. */
  rowBytes: number;
}

/** The header of a well-formed BMP, or `undefined` when it is corrupt or its pixel data is cut off. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader | undefined {
  if (bytes.length < 26) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  const pixelOffset = view.getUint32(10, true);
  let width: number;
  let signedHeight: number;
  let bitsPerPixel: number;
  let compression = 0;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    signedHeight = view.getInt16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else {
    if (bytes.length < 34) return undefined;
    width = view.getInt32(18, true);
    signedHeight = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    compression = view.getUint32(30, true);
  }
  const height = Math.abs(signedHeight);
  if (width <= 0 || height === 0 || bitsPerPixel === 0) return undefined;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  // Compressed data (RLE, embedded JPEG/PNG) has no fixed size; only check the layouts whose size we know.
  const fixedSize = compression === 0 || compression === 3;
  if (fixedSize && pixelOffset + rowBytes * height > bytes.length) return undefined;
  return { width, height, bitsPerPixel, compression, topDown: signedHeight < 0, pixelOffset, rowBytes };
}

/** Whether `decodeBmp` can read this layout: uncompressed BGR(X) pixels, 24 or 32 bits. */
export function canDecodeBmp(bytes: Uint8Array, header: BmpHeader): boolean {
  if (header.compression === 0) return header.bitsPerPixel === 24 || header.bitsPerPixel === 32;
  if (header.compression !== 3 || header.bitsPerPixel !== 32 || bytes.length < 66) return false;
  // Bitfields must be the usual X8R8G8B8 order for the channel swap below to be right.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    view.getUint32(54, true) === 0x00ff0000 &&
    view.getUint32(58, true) === 0x0000ff00 &&
    view.getUint32(62, true) === 0x000000ff
  );
}

export interface RawImage {
  pixels: Buffer;
  width: number;
  height: number;
  channels: 3;
}

const swapRedBlue: [[number, number, number], [number, number, number], [number, number, number]] = [
  [0, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
];

/** Tightly packed RGB pixels, top row first. The fourth byte of 32-bit pixels is ignored, as most viewers do. */
export async function decodeBmp(bytes: Uint8Array, header: BmpHeader): Promise<RawImage> {
  const { width, height, rowBytes, pixelOffset } = header;
  const sourceChannels = header.bitsPerPixel === 32 ? 4 : 3;
  let packed: Uint8Array = bytes.subarray(pixelOffset, pixelOffset + rowBytes * height);
  if (rowBytes !== width * sourceChannels) {
    // Drop the row padding by reading the rows as a one-band image and cropping its right edge.
    packed = await sharp(packed, { raw: { width: rowBytes, height, channels: 1 }, limitInputPixels: false })
      .extract({ left: 0, top: 0, width: width * sourceChannels, height })
      .toColourspace('b-w') // else sharp turns the one band into three grey ones
      .raw()
      .toBuffer();
  }
  let image = sharp(packed, { raw: { width, height, channels: sourceChannels }, limitInputPixels: false });
  if (sourceChannels === 4)
    image = sharp(await image.removeAlpha().raw().toBuffer(), rawOptions(width, height));
  image = image.recomb(swapRedBlue);
  if (!header.topDown) image = image.flip();
  return { pixels: await image.raw().toBuffer(), width, height, channels: 3 };
}

function rawOptions(width: number, height: number): sharp.SharpOptions {
  return { raw: { width, height, channels: 3 }, limitInputPixels: false };
}
