import type { Job } from '../../core/jobs/job.js';
import type { ModelRow } from '../../core/models/model-row.js';
import { findModel } from '../../core/models/table.js';
import { highestTier, isHigherTier, upscaleTarget } from '../../core/models/upscale-target.js';
import { type Resolution, resolutions } from '../../core/request.js';
import { parseSize, tierOf } from '../../core/sizes.js';
import { sizeForShape } from '../../core/studio/shape-size.js';
import type { CommandContext } from '../context.js';
import type { Reply } from '../reply.js';
import type { BotServices } from '../services.js';
import { chooseImage } from './chosen-image.js';
import { enlargeLocally } from './local-enlargement.js';
import { runStudioEdit } from './studio-job.js';

export const upscaleInstruction =
  'Upscale this image to a higher resolution. Keep it exactly as it is: the same composition, subject, colours, ' +
  'text and style; only add fine detail and sharpness. Do not add, remove or move anything.';

/** The tier a job ran at: asked for, the row's default, else read from its pixel size (Seedream's tiers are sizes). */
export function tierOfJob(job: Job, row: ModelRow): Resolution | undefined {
  const asked = job.options.resolution ?? row.defaults.resolution;
  if (asked) return asked;
  const own = parseSize(job.options.size ?? '');
  const size = own?.kind === 'pixels' ? own : parseSize(row.defaults.size ?? '');
  const tier = size?.kind === 'pixels' ? tierOf(size) : undefined;
  return resolutions.find((candidate) => candidate === tier);
}

/**
 * Upscale means the chosen image, bigger: it goes as the input of an edit to the family's model at its highest tier
 * (upscale-target.ts), asked to keep it as it is. Where the family has none, or the image is already at that
 * tier, it is enlarged locally. The parent's prompt is never run again.
 */
export async function upscale(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  number?: number,
): Promise<Reply> {
  const chosen = await chooseImage(services, parent, number);
  const row = findModel(parent.modelUsed ?? parent.options.model);
  const target = row && upscaleTarget(row);
  // Its tier by its pixels, and as asked where the same model will upscale it (another model's tiers differ).
  const byPixels = resolutions.find((tier) => tier === tierOf(chosen));
  const asked = row && target?.row.id === row.id ? tierOfJob(parent, row) : undefined;
  const current = highestTier([byPixels, asked].filter((tier) => tier !== undefined));
  if (!target || !isHigherTier(target.resolution, current)) {
    return enlargeLocally(services, context, parent, chosen);
  }
  const size = sizeForShape(target.row, chosen, target.resolution);
  return runStudioEdit(services, context, parent, chosen, {
    kind: 'upscale',
    options: {
      model: target.row.id,
      prompt: upscaleInstruction,
      resolution: target.resolution,
      ...(size !== undefined && { size }),
    },
    studio: { image: chosen.number },
  });
}
