import { type FamilyMapper, toDataUri } from '../resolved-request.js';

// Gateway doc: image-api.md "Qwen — text to image (DashScope-shaped body)". The doc sends `seed` as a string, so do we.
// Edits are not shown; DashScope's edit shape puts the image items before the one text item in `content`.
export const mapQwen: FamilyMapper = (request) => {
  const parameters = {
    ...(request.negativePrompt !== undefined && { negative_prompt: request.negativePrompt }),
    ...(request.promptExtend !== undefined && { prompt_extend: request.promptExtend }),
    ...(request.seed !== undefined && { seed: String(request.seed) }),
    ...(request.watermark !== undefined && { watermark: request.watermark }),
    ...(request.size !== undefined && { size: request.size }),
  };
  const content = [...request.images.map((image) => ({ image: toDataUri(image) })), { text: request.prompt }];
  return {
    model: request.row.id,
    input: { messages: [{ role: 'user', content }] },
    ...(Object.keys(parameters).length > 0 && { parameters }),
  };
};
