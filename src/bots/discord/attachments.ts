import type { Attachment } from 'discord.js';
import { request } from 'undici';
import { formatBytes } from '../../commands/replies/index.js';
import { ImagineError } from '../../core/errors.js';
import { describeBytes, sniffImageType } from '../../core/images/index.js';
import type { InputImage } from '../../core/request.js';

/** What we read of a Discord attachment (a slash option, a message's file). */
export interface AttachmentSource {
  name: string;
  url: string;
  size: number;
}

export const attachmentSource = (attachment: Attachment): AttachmentSource => ({
  name: attachment.name,
  url: attachment.url,
  size: attachment.size,
});

/** The attachments that are images by their declared type or name (the bytes are checked on download). */
export function imageAttachments(attachments: Iterable<Attachment>): Attachment[] {
  return [...attachments].filter(
    (attachment) =>
      attachment.contentType?.startsWith('image/') ??
      /\.(png|jpe?g|webp|gif|bmp|tiff?)$/i.test(attachment.name),
  );
}

/** Discord's largest upload (boosted servers); the brain downsizes to each model's input limit. */
const maxAttachmentBytes = 500 * 1024 * 1024;
const downloadTimeoutMs = 60_000;

/**
 * Downloads attachments from Discord's CDN (signed URLs, no token) and checks each is an image by its bytes.
 * A file that is not an image is a clear `invalid_image` error naming it.
 */
export async function downloadAttachments(sources: readonly AttachmentSource[]): Promise<InputImage[]> {
  const images: InputImage[] = [];
  for (const source of sources) images.push(await downloadOne(source));
  return images;
}

async function downloadOne(source: AttachmentSource): Promise<InputImage> {
  if (source.size > maxAttachmentBytes) {
    throw new ImagineError(
      'invalid_image',
      `"${source.name}" is ${formatBytes(source.size)}; attach images up to ${formatBytes(maxAttachmentBytes)}.`,
    );
  }
  const bytes = await fetchBytes(source);
  const mediaType = sniffImageType(bytes);
  if (!mediaType) {
    throw new ImagineError(
      'invalid_image',
      `"${source.name}" is not an image (it looks like ${describeBytes(bytes)}); attach PNG, JPEG, WEBP or GIF files.`,
    );
  }
  return { bytes, mediaType };
}

async function fetchBytes(source: AttachmentSource): Promise<Buffer> {
  const failed = () =>
    new ImagineError(
      'download_failed',
      `Could not download "${source.name}" from Discord; attach it again.`,
      {
        retryable: true,
      },
    );
  try {
    const response = await request(source.url, {
      method: 'GET',
      signal: AbortSignal.timeout(downloadTimeoutMs),
    });
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      throw failed();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      total += buffer.length;
      if (total > maxAttachmentBytes) throw failed();
      chunks.push(buffer);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof ImagineError) throw error;
    throw failed();
  }
}
