import { readFile, stat } from 'node:fs/promises';
import { formatBytes } from '../../commands/replies/index.js';
import { ImagineError } from '../../core/errors.js';
import { describeBytes, sniffImageType } from '../../core/images/index.js';
import type { InputImage } from '../../core/request.js';

/** Far above any model's input limit; the brain downsizes what it can, this only keeps memory bounded. */
const maxFileBytes = 64 * 1024 * 1024;

export interface AttachedFile {
  file: string;
  image: InputImage;
  /** `photo.png (image/png, 12 KB)`, for the confirmation line. */
  description: string;
}

/** Reads `/attach` files: each must exist and be an image by its bytes (a `.png` name proves nothing). */
export async function readAttachments(files: readonly string[]): Promise<AttachedFile[]> {
  const attached: AttachedFile[] = [];
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new ImagineError('invalid_image', `There is no file "${file}".`);
    if (info.size > maxFileBytes) {
      throw new ImagineError(
        'invalid_image',
        `"${file}" is ${formatBytes(info.size)}; images up to ${formatBytes(maxFileBytes)} can be attached.`,
      );
    }
    const bytes = await readFile(file).catch(() => {
      throw new ImagineError('invalid_image', `Cannot read "${file}".`);
    });
    const mediaType = sniffImageType(bytes);
    if (!mediaType) {
      throw new ImagineError(
        'invalid_image',
        `"${file}" is not an image (it looks like ${describeBytes(bytes)}); attach PNG, JPEG, WEBP or GIF files.`,
      );
    }
    attached.push({
      file,
      image: { bytes, mediaType },
      description: `${file} (${mediaType}, ${formatBytes(bytes.length)})`,
    });
  }
  return attached;
}
