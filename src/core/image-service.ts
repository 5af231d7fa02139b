import type { ExecuteOptions, ImageClient } from './client/image-client.js';
import { type PrepareImage, planRequest } from './plan.js';
import type { ImageRequest } from './request.js';
import type { ImageResult } from './result.js';

/** Fits an input image to the model row's formats and byte limit (convert / downscale) with sharp. */
export const fitImageToModel: PrepareImage = async (image, row, index) => {
  // sharp (a native library) is loaded on the first input image: a prompt-only `generate` never pays for it.
  const { prepareInputImage } = await import('./images/prepare-input.js');
  const prepared = await prepareInputImage(image.bytes, row.input, { index });
  const fitted = { bytes: prepared.bytes, mediaType: prepared.mediaType };
  return prepared.changed
    ? { image: fitted, changed: `Image ${index}: ${prepared.changed}.` }
    : { image: fitted };
};

export interface ImageService {
  /** Validates, fits the images, calls the API and returns the images plus every warning. */
  generate(request: ImageRequest, options?: ExecuteOptions): Promise<ImageResult>;
}

export function createImageService(dependencies: {
  client: ImageClient;
  prepareImage?: PrepareImage;
  /** Draws the seed of a request that asked for none (where the model takes seeds); tests inject their own. */
  random?: () => number;
}): ImageService {
  const prepareImage = dependencies.prepareImage ?? fitImageToModel;
  const random = dependencies.random ?? Math.random;
  return {
    async generate(request, options = {}) {
      const plan = await planRequest(request, prepareImage, random);
      const result = await dependencies.client.execute(plan, options);
      const asked = plan.calls.reduce((total, call) => total + call.expectedImages, 0);
      return { ...result, sent: plan.sent, asked };
    },
  };
}
