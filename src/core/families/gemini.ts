import type { DataUri } from '../data-uri.js';
import { type FamilyMapper, type ResolvedTurn, toDataUri } from '../resolved-request.js';

// Gateway doc: image-api.md "Gemini — text to image" and "image to image / edit". The gateway's examples differ by
// mode (t2i sends prompt, n, mime_type and response_modalities; edits send `contents`), and we send what each shows.
const mimeTypes = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

function turnParts(turn: ResolvedTurn): Record<string, string | DataUri>[] {
  const text = turn.text ? [{ text: turn.text }] : [];
  return [...text, ...turn.images.map((image) => ({ image: toDataUri(image) }))];
}

export const mapGemini: FamilyMapper = (request) => {
  const isConversation = request.images.length > 0 || request.history.length > 0;
  const common = {
    ...(request.size !== undefined && { size: request.size }),
    ...(request.quality !== undefined && { quality: request.quality }),
  };
  const sampling = {
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.topP !== undefined && { top_p: request.topP }),
  };
  const mimeType = request.outputFormat ? { mime_type: mimeTypes[request.outputFormat] } : {};
  if (!isConversation) {
    return {
      model: request.row.id,
      prompt: request.prompt,
      ...common,
      n: 1,
      ...sampling,
      response_format: 'b64_json',
      ...(request.imageSize !== undefined && { image_size: request.imageSize }),
      ...mimeType,
      // Gemini may answer with text only when a prompt is ambiguous: ask for an image explicitly.
      response_modalities: 'image',
    };
  }
  const currentTurn: ResolvedTurn = { role: 'user', text: request.prompt, images: request.images };
  return {
    model: request.row.id,
    ...common,
    ...(request.imageSize !== undefined && { image_size: request.imageSize }),
    ...sampling,
    response_format: 'b64_json',
    ...mimeType,
    // Oldest turn first; the new instruction and its images close the conversation.
    contents: [...request.history, currentTurn].map((turn) => ({ role: turn.role, parts: turnParts(turn) })),
  };
};
