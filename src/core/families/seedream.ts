import { type FamilyMapper, toDataUri } from '../resolved-request.js';

// Gateway doc: image-api.md "Seedream — text to image / image to image" and the last example (`seedream-4.0-base`,
// OpenAI-style with `n`). Edits send `contents` with the images first, then the text, as the doc shows.
export const mapSeedream: FamilyMapper = (request, imagesInCall) => {
  const row = request.row;
  return {
    model: row.id,
    prompt: request.prompt,
    ...(request.size !== undefined && { size: request.size }),
    ...(row.output.multiple === 'native-n' && { n: imagesInCall }),
    ...(request.watermark !== undefined && { watermark: request.watermark }),
    ...(request.seed !== undefined && { seed: request.seed }),
    ...(request.guidanceScale !== undefined && { guidance_scale: request.guidanceScale }),
    ...(request.optimizePrompt !== undefined && {
      optimize_prompt_options: { mode: request.optimizePrompt },
    }),
    ...(request.group && {
      sequential_image_generation: 'auto',
      sequential_image_generation_options: { max_images: imagesInCall },
    }),
    ...(request.images.length > 0 && {
      contents: [
        {
          role: 'user',
          parts: [...request.images.map((image) => ({ image: toDataUri(image) })), { text: request.prompt }],
        },
      ],
    }),
  };
};
