import type { Job, PanDirection } from '../../core/jobs/job.js';
import { padImage, panPadding, zoomPadding } from '../../core/studio/canvas.js';
import { sizeForShape } from '../../core/studio/shape-size.js';
import type { CommandContext } from '../context.js';
import type { Reply } from '../reply.js';
import type { BotServices } from '../services.js';
import { type ChosenImage, chooseImage } from './chosen-image.js';
import { editRowOf, runStudioEdit, type StudioEdit } from './studio-job.js';
import { tierOfJob } from './upscale.js';

export const zoomFactors = [1.5, 2] as const;
export type ZoomFactor = (typeof zoomFactors)[number];

const sideOf: Record<PanDirection, string> = {
  left: 'on its left',
  right: 'on its right',
  up: 'at its top',
  down: 'at its bottom',
};

const fillNaturally = (prompt: string) =>
  'Fill the grey area naturally, continuing the scene with the same style, light and perspective, and keep the ' +
  `rest of the picture exactly as it is. The scene: ${prompt}`;

export const zoomInstruction = (prompt: string) =>
  'Zoom out: this picture sits in the middle of a larger canvas, and the flat grey border around it is empty. ' +
  fillNaturally(prompt);

export const panInstruction = (direction: PanDirection, prompt: string) =>
  `Extend this picture to the ${direction}: the flat grey strip ${sideOf[direction]} is empty. ${fillNaturally(prompt)}`;

/** Zoom and pan: the chosen image padded with sharp to the new canvas, sent as an edit to fill the new area. */
async function outpaint(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  chosen: ChosenImage,
  edit: Pick<StudioEdit, 'kind' | 'studio'> & { prompt: string; padding: ReturnType<typeof zoomPadding> },
): Promise<Reply> {
  const row = editRowOf(parent);
  const canvas = {
    width: chosen.width + edit.padding.left + edit.padding.right,
    height: chosen.height + edit.padding.top + edit.padding.bottom,
  };
  // The parent's tier where this model has tiers (an upscale stays 4K), in the canvas's shape.
  const parentTier = tierOfJob(parent, row);
  const tier =
    parentTier !== undefined && row.resolutions.values.includes(parentTier) ? parentTier : undefined;
  const size = sizeForShape(row, canvas, tier);
  return runStudioEdit(services, context, parent, chosen, {
    kind: edit.kind,
    options: {
      model: row.id,
      prompt: edit.prompt,
      ...(size !== undefined && { size }),
      ...(tier !== undefined && row.resolutions.wire !== 'none' && { resolution: tier }),
    },
    studio: edit.studio,
    transformInput: () => padImage(chosen.bytes, edit.padding),
  });
}

export async function zoomOut(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  factor: ZoomFactor,
  number?: number,
): Promise<Reply> {
  const chosen = await chooseImage(services, parent, number);
  return outpaint(services, context, parent, chosen, {
    kind: 'zoom',
    studio: { image: chosen.number, zoom: factor },
    prompt: zoomInstruction(parent.userPrompt),
    padding: zoomPadding(chosen, factor),
  });
}

export async function pan(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  direction: PanDirection,
  number?: number,
): Promise<Reply> {
  const chosen = await chooseImage(services, parent, number);
  return outpaint(services, context, parent, chosen, {
    kind: 'pan',
    studio: { image: chosen.number, pan: direction },
    prompt: panInstruction(direction, parent.userPrompt),
    padding: panPadding(chosen, direction),
  });
}
