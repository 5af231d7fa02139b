import type { ModelRow } from '../model-row.js';

const MB = 1024 * 1024;

// Gateway doc: image-api.md "GPT Image"; upstream: openai-node resources/images.d.ts.
const shared = {
  family: 'gpt-image',
  output: {
    multiple: 'native-n',
    maxPerCall: 10,
    maxImages: 10,
    formats: ['png', 'jpeg', 'webp'],
    responseFormats: ['b64_json'],
  },
  sizes: { kind: 'preset', values: ['1024x1024', '1536x1024', '1024x1536'], separator: 'x' },
  resolutions: { values: [], wire: 'none' },
  qualities: ['low', 'medium', 'high', 'auto'],
  // Upstream takes up to 50 MB per image; the gateway documents 10 MB.
  input: { formats: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 10 * MB },
  defaults: { size: '1024x1024' },
} as const satisfies Omit<
  ModelRow,
  'id' | 'displayName' | 'aliases' | 'summary' | 'capabilities' | 'options'
>;

export const gptImageRows: readonly ModelRow[] = [
  {
    ...shared,
    id: 'gpt-image-1',
    displayName: 'GPT Image 1',
    aliases: ['gpt-image'],
    summary: 'Text-to-image, edits, fusion of up to 16 images, quality choice, up to 10 images per call.',
    capabilities: { textToImage: true, edit: true, maxInputImages: 16, multiTurn: false },
    // The gateway lists auto/high/medium/low; OpenAI itself accepts only high and low.
    options: { inputFidelity: ['auto', 'high', 'medium', 'low'] },
  },
  {
    ...shared,
    id: 'gpt-image-1-mini',
    displayName: 'GPT Image 1 mini',
    aliases: ['gpt-image-mini'],
    summary: 'Cheaper and faster GPT Image; text-to-image and edits.',
    capabilities: { textToImage: true, edit: true, maxInputImages: 16, multiTurn: false },
    // OpenAI: input_fidelity is not available on gpt-image-1-mini.
    options: {},
  },
];
