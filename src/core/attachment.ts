import { ImagineError, isImagineError } from './errors.js';
import type { InputImage } from './request.js';

/**
 * A file that came with a request, not read yet: commands take the user's quota slot first and read it after,
 * so a refused request downloads nothing.
 */
export interface LazyAttachment {
  /** The file's name as the user knows it, for messages. */
  name: string;
  /** The size the platform declared, when it did. */
  declaredBytes?: number;
  /** Why it cannot be read, when that is known without reading it (too large, not on the platform's host). */
  refusal?: ImagineError;
  /** Downloads or reads the file; an error names the file. */
  read(): Promise<InputImage>;
}

/** An image already in memory (the chat's files, tests). */
export function readyAttachment(name: string, image: InputImage): LazyAttachment {
  return { name, declaredBytes: image.bytes.length, read: async () => image };
}

/** Throws the first refusal known before reading: a free check, made before a quota slot is taken. */
export function checkRefusals(attachments: readonly LazyAttachment[]): void {
  const refused = attachments.find((attachment) => attachment.refusal !== undefined);
  if (refused?.refusal) throw refused.refusal;
}

/** Reads every attachment (the downloader bounds how many run at once); the first failure names its file. */
export async function readAttachments(attachments: readonly LazyAttachment[]): Promise<InputImage[]> {
  const results = await Promise.allSettled(attachments.map((attachment) => attachment.read()));
  return results.map((result, index) => {
    if (result.status === 'fulfilled') return result.value;
    if (isImagineError(result.reason)) throw result.reason;
    throw new ImagineError('invalid_image', `Could not read "${attachments[index]?.name ?? 'a file'}".`, {
      cause: result.reason,
    });
  });
}
