import { ImagineError } from '../../core/errors.js';
import type { ImageRef, Job } from '../../core/jobs/job.js';
import { type Dimensions, imageDimensions } from '../../core/studio/canvas.js';
import type { BotServices } from '../services.js';

/** One of a result's images, picked by its number, with its bytes. */
export interface ChosenImage extends Dimensions {
  /** 1-based. */
  number: number;
  ref: ImageRef;
  bytes: Buffer;
  mediaType: string;
}

/** The valid numbers of a result's images, in words: `1 to 4`, or `1`. */
function validRange(count: number): string {
  return count === 1 ? 'image 1 only' : `images 1 to ${count}`;
}

/** Image `number` (default 1) of `parent`; a number out of range names the valid ones, an expired image says so. */
export async function chooseImage(services: BotServices, parent: Job, number = 1): Promise<ChosenImage> {
  const count = parent.resultImages.length;
  if (count === 0) throw new ImagineError('invalid_option', 'That request made no image yet.');
  const ref = parent.resultImages[number - 1];
  if (ref === undefined || !Number.isInteger(number) || number < 1) {
    throw new ImagineError(
      'invalid_option',
      `There is no image ${number}: this result has ${validRange(count)}.`,
      { option: 'image' },
    );
  }
  const stored = await services.blobs.getImage(ref.hash);
  if (!stored) {
    throw new ImagineError(
      'invalid_image',
      'That image has expired (images are kept for a limited time). Make it again with imagine.',
    );
  }
  const size = await imageDimensions(stored.bytes);
  return { number, ref, bytes: stored.bytes, mediaType: stored.mediaType, ...size };
}
