import type { Job } from '../../core/jobs/job.js';
import { oneLine, trimText } from './caption.js';

const labels: Partial<Record<Job['kind'], string>> = {
  edit: 'edit of',
  reroll: 're-roll of',
  variations: 'variation of',
  upscale: 'upscale of',
};

const panLabels = {
  left: 'pan left of',
  right: 'pan right of',
  up: 'pan up of',
  down: 'pan down of',
} as const;

/** `2×`, `1.5×` */
const times = (factor: number) => `${Number(factor.toFixed(2))}×`;

/**
 * Where a result came from, as users see it under the image: `re-roll of “a red fox”`, `upscale of image 2 of
 * “a red fox”`, `zoom out 2× of “…”`, `pan left of “…”`; a local enlargement says that no model made it.
 */
export function originText(job: Job, parent: Job): string {
  const studio = job.studio;
  const label =
    studio?.pan !== undefined
      ? panLabels[studio.pan]
      : studio?.zoom !== undefined
        ? `zoom out ${times(studio.zoom)} of`
        : (labels[job.kind] ?? 'from');
  // "image 2 of" only where the parent had several to choose from.
  const which = studio !== undefined && parent.resultImages.length > 1 ? ` image ${studio.image} of` : '';
  const origin = `${label}${which} “${trimText(oneLine(parent.userPrompt), 60)}”`;
  const local = studio?.localEnlargement;
  return local === undefined ? origin : `${origin} · local ${times(local)} enlargement, no model call`;
}
