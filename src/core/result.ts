import type { ImagineError } from './errors.js';
import type { Warning } from './request.js';

export interface GeneratedImage {
  bytes: Buffer;
  /** Decided from the bytes' magic numbers, never from a header. */
  mediaType: string;
  revisedPrompt?: string;
  /** Where the image was downloaded from, when the API answered with a URL. */
  sourceUrl?: string;
  requestId?: string;
  /** The seed sent in the call that made this image, when the model takes seeds. */
  seed?: number;
}

export interface ImageResult {
  /** The canonical model id that was called. */
  model: string;
  images: GeneratedImage[];
  warnings: Warning[];
  /** Calls of a split `n` that failed while others succeeded. Empty when everything worked. */
  failures: ImagineError[];
  requestIds: string[];
  /** The size and resolution tier as sent, when the request went through a plan. */
  sent?: { size?: string; resolution?: string };
  /** Images the calls asked for; more than `images.length` when some did not come back. */
  asked?: number;
}
