import { ImagineError } from './errors.js';
import type { ModelRow } from './models/model-row.js';
import { modelTable } from './models/table.js';

/** Style references ride along with the input images, so only a model that fuses several images takes them. */
function takesStyleReferences(row: ModelRow, inputImages: number): boolean {
  return row.capabilities.edit && row.capabilities.maxInputImages >= Math.max(2, inputImages);
}

/** Refuses style references a model cannot take, naming the models that can (read from the table). */
export function checkStyleReferences(
  requested: ModelRow,
  row: ModelRow,
  images: number,
  styleImages: number,
): void {
  if (styleImages === 0 || takesStyleReferences(row, images + styleImages)) return;
  const able = modelTable
    .filter((candidate) => takesStyleReferences(candidate, images + styleImages))
    .map((candidate) => candidate.aliases[0] ?? candidate.id);
  const total = images + styleImages;
  const why =
    row.capabilities.maxInputImages < 2
      ? `${row.displayName} does not combine several images`
      : `${row.displayName} takes at most ${row.capabilities.maxInputImages} images and this needs ${total}`;
  throw new ImagineError(
    'invalid_option',
    `${requested.displayName} cannot use style references (${why}). Models that can: ${able.join(', ')}.`,
    { option: 'styleReference', choices: able },
  );
}

/**
 * The prompt with the instruction that the last `styleImages` of `images + styleImages` images are references
 * for style only; images are counted from 1 in the order they are sent.
 */
export function withStyleInstruction(prompt: string, images: number, styleImages: number): string {
  if (styleImages === 0) return prompt;
  const first = images + 1;
  const last = images + styleImages;
  const which =
    styleImages === 1
      ? `Image ${first} is a style reference`
      : `Images ${first} ${styleImages === 2 ? 'and' : 'to'} ${last} are style references`;
  const their = styleImages === 1 ? 'its' : 'their';
  return `${prompt}\n\n${which}: use ${their} style (colours, lighting, medium, texture), not ${their} subject or composition.`;
}
