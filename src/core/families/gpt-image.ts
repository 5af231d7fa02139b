import { type FamilyMapper, toDataUri } from '../resolved-request.js';

// Gateway doc: image-api.md "GPT Image — text to image / image to image". The gateway takes edits as JSON on the
// generations URL with `image` as a data URI (an array when several), where OpenAI itself wants multipart.
export const mapGptImage: FamilyMapper = (request, imagesInCall) => {
  const images = request.images.map(toDataUri);
  return {
    model: request.row.id,
    prompt: request.prompt,
    ...(request.size !== undefined && { size: request.size }),
    ...(request.quality !== undefined && { quality: request.quality }),
    ...(request.inputFidelity !== undefined && { input_fidelity: request.inputFidelity }),
    n: imagesInCall,
    ...(request.outputFormat !== undefined && { output_format: request.outputFormat }),
    ...(images.length === 1 && { image: images[0] }),
    ...(images.length > 1 && { image: images }),
  };
};
