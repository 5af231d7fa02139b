import type { Family } from '../models/model-row.js';
import type { FamilyMapper } from '../resolved-request.js';
import { mapGemini } from './gemini.js';
import { mapGptImage } from './gpt-image.js';
import { mapQwen } from './qwen.js';
import { mapSeedream } from './seedream.js';

/** One mapping function per family: a resolved request → the JSON body of one call. */
export const familyMappers: Record<Family, FamilyMapper> = {
  gemini: mapGemini,
  seedream: mapSeedream,
  'gpt-image': mapGptImage,
  qwen: mapQwen,
};
