/** Every raster type we recognise from its first bytes. */
export const mediaTypes = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/avif',
] as const;
export type ImageMediaType = (typeof mediaTypes)[number];

const extensions: Record<ImageMediaType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/heic': 'heic',
  'image/avif': 'avif',
};

export function extensionFor(mediaType: ImageMediaType): string {
  return extensions[mediaType];
}

export function isImageMediaType(value: string): value is ImageMediaType {
  return (mediaTypes as readonly string[]).includes(value);
}

/** BITMAPCOREHEADER, BITMAPINFOHEADER and its V2–V5 successors: 'BM' alone is too weak a signature. */
const bmpHeaderSizes = new Set([12, 40, 52, 56, 64, 108, 124]);
const heicBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);
const avifBrands = new Set(['avif', 'avis']);

/**
 * The image type from magic bytes only: a file name or a Content-Type header can lie (an HTML error page
 * served as `image/png` is common), the bytes cannot.
 */
export function sniffImageType(bytes: Uint8Array): ImageMediaType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  if (
    ascii(bytes, 0, 2) === 'BM' &&
    bytes.length >= 26 &&
    bmpHeaderSizes.has(uint32LittleEndian(bytes, 14))
  ) {
    return 'image/bmp';
  }
  // Classic TIFF (42) and BigTIFF (43), in both byte orders.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'image/tiff';
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b]))
    return 'image/tiff';
  if (ascii(bytes, 4, 4) === 'ftyp') return sniffIsoBrand(bytes);
  return undefined;
}

/** What a non-image upload looks like, so the user knows what went wrong (an HTML error page, a PDF…). */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const text = head.trimStart().toLowerCase();
  if (text.startsWith('%pdf')) return 'PDF';
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'SVG';
  if (text.startsWith('<')) return 'text/HTML';
  if (head.slice(4, 8) === 'ftyp') return 'a video';
  // Control characters other than tab, newline and carriage return mean binary data.
  const binary = bytes
    .subarray(0, 512)
    .some((byte) => (byte < 0x20 && ![9, 10, 13].includes(byte)) || byte === 0x7f);
  if (binary) return 'unrecognised data';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON';
  return 'text';
}

/** HEIF-family files name their flavour in the `ftyp` box: a major brand, then compatible brands. */
function sniffIsoBrand(bytes: Uint8Array): ImageMediaType | undefined {
  const major = ascii(bytes, 8, 4);
  if (avifBrands.has(major)) return 'image/avif';
  if (heicBrands.has(major)) return 'image/heic';
  if (major !== 'mif1' && major !== 'msf1') return undefined;
  // A generic HEIF major brand: AVIF files list `avif` among the compatible brands.
  const boxEnd = Math.min(uint32BigEndian(bytes, 0), bytes.length);
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) {
    if (avifBrands.has(ascii(bytes, offset, 4))) return 'image/avif';
  }
  return 'image/heic';
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, index) => bytes[index] === value);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (bytes.length < offset + length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function uint32LittleEndian(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}

function uint32BigEndian(bytes: Uint8Array, offset: number): number {
  if (bytes.length < offset + 4) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}
