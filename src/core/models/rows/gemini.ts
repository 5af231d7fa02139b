import type { ModelRow } from '../model-row.js';

const MB = 1024 * 1024;

// Gateway doc: image-api.md "Gemini"; upstream: ai.google.dev image generation, Vertex model cards.
const aspectRatios = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
// The gateway's examples send image_size "2K" and "3K"; Google itself accepts only 1K/2K/4K and 2.5 Flash renders
// ~1024 px whatever is asked. We send what the gateway documents.
const imageSizes = ['1K', '2K', '3K', '4K'] as const;
// The gateway accepts `quality`; its effect on Gemini is undocumented upstream.
const qualities = ['low', 'medium', 'high', 'auto'] as const;

const shared = {
  family: 'gemini',
  output: {
    multiple: 'parallel',
    maxPerCall: 1,
    maxImages: 4,
    formats: ['png', 'jpeg'],
    responseFormats: ['b64_json'],
  },
  sizes: { kind: 'aspect-ratio', values: aspectRatios, separator: 'x' },
  resolutions: { values: imageSizes, wire: 'image-size' },
  qualities,
  // Upstream 3 Pro also reads HEIC/HEIF; the gateway documents PNG, JPEG, WEBP for both.
  input: { formats: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 7 * MB },
  options: { temperature: { min: 0, max: 2 }, topP: { min: 0, max: 1 } },
  // Gateway forks map quality/size to image_size inconsistently, so we always send it (upstream-notes §1).
  defaults: { resolution: '1K' },
} as const satisfies Omit<ModelRow, 'id' | 'displayName' | 'aliases' | 'summary' | 'capabilities'>;

export const geminiRows: readonly ModelRow[] = [
  {
    ...shared,
    id: 'gemini-2.5-flash-image',
    displayName: 'Nano Banana (Gemini 2.5 Flash Image)',
    aliases: ['nano-banana', 'gemini-flash', 'gemini'],
    summary: 'Fast; text-to-image, edits, fusion of up to 3 images, multi-turn conversation.',
    // Renders ~1024 px whatever tier is asked (upstream-notes "Sizes"): its upscales go to 3 Pro.
    capabilities: {
      textToImage: true,
      edit: true,
      maxInputImages: 3,
      multiTurn: true,
      upscaleModel: 'gemini-3-pro-image-preview',
    },
  },
  {
    ...shared,
    id: 'gemini-3-pro-image-preview',
    displayName: 'Nano Banana Pro (Gemini 3 Pro Image)',
    aliases: ['nano-banana-pro', 'gemini-pro'],
    summary: 'Higher quality and 2K/4K; text-to-image, edits, fusion of up to 14 images.',
    // The gateway's table lists multi-turn for 2.5 Flash only; 3 Pro takes the same `contents` turns, but upstream
    // rejects replayed model images without thought signatures (HTTP 400), which the edit flow falls back from.
    capabilities: { textToImage: true, edit: true, maxInputImages: 14, multiTurn: true },
  },
];
