import type { ModelRow } from '../model-row.js';

const MB = 1024 * 1024;

// Gateway doc: image-api.md "Doubao Seedream"; upstream: Volcengine Ark images API (docs/82379/1541523).
// Recommended 2K sizes; the 1K and 4K lists are the same ratios at half and double the sides.
const presets2k = [
  '2048x2048',
  '2304x1728',
  '1728x2304',
  '2560x1440',
  '1440x2560',
  '2496x1664',
  '1664x2496',
  '3024x1296',
];
const scale = (size: string, factor: number): string =>
  size
    .split('x')
    .map((side) => String(Math.round(Number(side) * factor)))
    .join('x');
const presets1k = presets2k.map((size) => scale(size, 0.5));
const presets4k = presets2k.map((size) => scale(size, 2)).filter((size) => pixels(size) <= 4096 * 4096);
function pixels(size: string): number {
  const [width = 0, height = 0] = size.split('x').map(Number);
  return width * height;
}
const presets3 = [
  '1024x1024',
  '1152x864',
  '864x1152',
  '1280x720',
  '720x1280',
  '1248x832',
  '832x1248',
  '1512x648',
];

const seedreamInput = {
  formats: ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'image/gif'],
  maxBytes: 10 * MB,
};
// Seedream always answers JPEG, usually as a URL that expires in 24 h.
const seedreamOutput = { formats: ['jpeg'], responseFormats: ['url', 'b64_json'] } as const;
// The gateway lists seed and guidance_scale for every Doubao model; Ark honours them only on 3.0 t2i and SeedEdit.
const seed = { min: -1, max: 2147483647 };
const guidanceScale = { min: 1, max: 10 };

export const seedreamRows: readonly ModelRow[] = [
  {
    id: 'doubao-seedream-4-0-250828',
    family: 'seedream',
    displayName: 'Seedream 4.0',
    aliases: ['seedream-4', 'seedream'],
    summary: 'Text-to-image, edits, fusion of up to 14 images, group images, 1K/2K/4K.',
    capabilities: { textToImage: true, edit: true, maxInputImages: 14, multiTurn: false },
    output: { ...seedreamOutput, multiple: 'parallel', maxPerCall: 1, maxImages: 4 },
    sizes: {
      kind: 'preset',
      values: [...presets1k, ...presets2k, ...presets4k],
      separator: 'x',
      custom: { minPixels: 1280 * 720, maxPixels: 4096 * 4096, minRatio: 1 / 16, maxRatio: 16 },
    },
    resolutions: { values: ['1K', '2K', '4K'], wire: 'size-tier' },
    qualities: [],
    input: seedreamInput,
    options: {
      seed,
      guidanceScale,
      watermark: true,
      optimizePrompt: ['standard', 'fast'],
      groupImages: true,
    },
    // Ark's watermark defaults to true (an "AI生成" mark): we send false unless asked.
    defaults: { size: '2048x2048', watermark: false },
  },
  {
    id: 'doubao-seedream-4-5-251128',
    family: 'seedream',
    displayName: 'Seedream 4.5',
    aliases: ['seedream-4.5'],
    summary: 'Text-to-image, edits, fusion of up to 14 images, group images, prompt optimisation, 2K/4K.',
    capabilities: { textToImage: true, edit: true, maxInputImages: 14, multiTurn: false },
    output: { ...seedreamOutput, multiple: 'parallel', maxPerCall: 1, maxImages: 4 },
    sizes: {
      kind: 'preset',
      values: [...presets2k, ...presets4k],
      separator: 'x',
      custom: { minPixels: 2560 * 1440, maxPixels: 4096 * 4096, minRatio: 1 / 16, maxRatio: 16 },
    },
    resolutions: { values: ['2K', '4K'], wire: 'size-tier' },
    qualities: [],
    input: seedreamInput,
    // Ark: 4.5 supports only the `standard` prompt optimisation mode.
    options: { seed, guidanceScale, watermark: true, optimizePrompt: ['standard'], groupImages: true },
    defaults: { size: '2048x2048', watermark: false },
  },
  {
    id: 'doubao-seedream-3-0-t2i-250415',
    family: 'seedream',
    displayName: 'Seedream 3.0',
    aliases: ['seedream-3'],
    summary: 'Text-to-image only, with seed and guidance scale; edits go to SeedEdit.',
    capabilities: {
      textToImage: true,
      edit: false,
      maxInputImages: 0,
      multiTurn: false,
      editModel: 'doubao-seededit-3-0-i2i-250628',
      upscaleModel: 'doubao-seedream-4-0-250828',
    },
    output: { ...seedreamOutput, multiple: 'parallel', maxPerCall: 1, maxImages: 4 },
    sizes: { kind: 'preset', values: presets3, separator: 'x' },
    resolutions: { values: [], wire: 'none' },
    qualities: [],
    input: seedreamInput,
    options: { seed, guidanceScale, watermark: true },
    defaults: { size: '1024x1024', watermark: false },
  },
  {
    id: 'doubao-seededit-3-0-i2i-250628',
    family: 'seedream',
    displayName: 'SeedEdit 3.0',
    aliases: ['seededit'],
    summary: 'Edits one image (style transfer, changes); keeps the input aspect ratio.',
    capabilities: {
      textToImage: false,
      edit: true,
      maxInputImages: 1,
      multiTurn: false,
      upscaleModel: 'doubao-seedream-4-0-250828',
    },
    output: { ...seedreamOutput, multiple: 'parallel', maxPerCall: 1, maxImages: 4 },
    // Ark takes only size "adaptive" (nearest preset to the input's ratio), which is also its default.
    sizes: { kind: 'adaptive', values: [], separator: 'x' },
    resolutions: { values: [], wire: 'none' },
    qualities: [],
    // Ark: SeedEdit reads JPEG and PNG only.
    input: { formats: ['image/jpeg', 'image/png'], maxBytes: 10 * MB },
    options: { seed, guidanceScale, watermark: true },
    defaults: { watermark: false },
  },
  {
    // Only in the gateway doc's last example: an OpenAI-style body with native `n`, answered with a URL.
    id: 'seedream-4.0-base',
    family: 'seedream',
    displayName: 'Seedream 4.0 (base)',
    aliases: ['seedream-base'],
    summary: 'Text-to-image through the OpenAI-style body; edits go to Seedream 4.0.',
    capabilities: {
      textToImage: true,
      edit: false,
      maxInputImages: 0,
      multiTurn: false,
      editModel: 'doubao-seedream-4-0-250828',
      upscaleModel: 'doubao-seedream-4-0-250828',
    },
    output: { ...seedreamOutput, multiple: 'native-n', maxPerCall: 4, maxImages: 4 },
    sizes: { kind: 'preset', values: [...presets3, ...presets2k], separator: 'x' },
    resolutions: { values: [], wire: 'none' },
    qualities: [],
    input: seedreamInput,
    options: {},
    defaults: {},
  },
];
