import type { ModelRow } from '../model-row.js';

const MB = 1024 * 1024;

// Gateway doc: image-api.md "Qwen"; upstream: Alibaba Model Studio qwen-image-api / qwen-image-edit-api.
// Qwen sizes are W*H on the wire; users may type them with `x`.
const sizes = ['1664x928', '1472x1140', '1328x1328', '1140x1472', '928x1664'];
const shared = {
  family: 'qwen',
  // One image per request (gateway FAQ): more images are parallel calls.
  output: {
    multiple: 'parallel',
    maxPerCall: 1,
    maxImages: 4,
    formats: ['png'],
    responseFormats: ['b64_json', 'url'],
  },
  sizes: { kind: 'preset', values: sizes, separator: '*' },
  resolutions: { values: [], wire: 'none' },
  qualities: [],
  // Upstream edit-plus also reads GIF (first frame); the gateway documents these six.
  input: {
    formats: ['image/jpeg', 'image/png', 'image/bmp', 'image/tiff', 'image/webp'],
    maxBytes: 10 * MB,
  },
  options: { seed: { min: 0, max: 2147483647 }, negativePrompt: true, watermark: true, promptExtend: true },
  defaults: {},
} as const satisfies Omit<ModelRow, 'id' | 'displayName' | 'aliases' | 'summary' | 'capabilities'>;

export const qwenRows: readonly ModelRow[] = [
  {
    ...shared,
    id: 'qwen-image-plus',
    displayName: 'Qwen-Image',
    aliases: ['qwen-image', 'qwen'],
    summary: 'Text-to-image with strong Chinese and English text rendering; prompt extension.',
    capabilities: {
      textToImage: true,
      edit: false,
      maxInputImages: 0,
      multiTurn: false,
      editModel: 'qwen-image-edit-plus',
    },
  },
  {
    ...shared,
    id: 'qwen-image-edit-plus',
    displayName: 'Qwen-Image-Edit',
    aliases: ['qwen-edit'],
    summary: 'Edits 1–3 images: style transfer, adding and removing objects, text edits.',
    capabilities: { textToImage: false, edit: true, maxInputImages: 3, multiTurn: false },
  },
];
