import type { Job, JobOptions } from '../../core/jobs/job.js';
import type { CommandContext } from '../context.js';
import type { Reply } from '../reply.js';
import type { BotServices } from '../services.js';
import { chooseImage } from './chosen-image.js';
import { editRowOf, runStudioEdit } from './studio-job.js';

/** What a variation keeps of its parent: how it looks and how many, not its seed. */
function variationOptions(parent: Job): Omit<JobOptions, 'model' | 'prompt'> {
  const { model: _model, prompt: _prompt, seed: _seed, groupImages: _group, ...kept } = parent.options;
  return kept;
}

/** Variations of the chosen image: that image as the input, "a variation of this image", as many as the parent. */
export async function variations(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  number?: number,
): Promise<Reply> {
  const chosen = await chooseImage(services, parent, number);
  const row = editRowOf(parent);
  const kept = variationOptions(parent);
  const n = kept.n === undefined ? undefined : Math.min(kept.n, row.output.maxImages);
  return runStudioEdit(services, context, parent, chosen, {
    kind: 'variations',
    options: {
      ...kept,
      ...(n !== undefined && { n }),
      model: row.id,
      prompt: `Make a variation of this image: same subject and style, new details. (${parent.userPrompt})`,
    },
    studio: { image: chosen.number },
  });
}
