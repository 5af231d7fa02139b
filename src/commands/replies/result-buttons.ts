import type { Job } from '../../core/jobs/job.js';
import { maxImageNumber, type ReplyButton } from '../reply.js';

/** Where each button sits; platforms wrap a row at their own width (Discord: 5 per row, 5 rows). */
const rows = { upscale: 0, variations: 1, actions: 2, zoom: 3, pan: 4 } as const;

const zoomButtons = [
  { action: 'zoom-1.5', label: 'Zoom out 1.5×' },
  { action: 'zoom-2', label: 'Zoom out 2×' },
] as const;
const panButtons = [
  { action: 'pan-left', label: '⬅️' },
  { action: 'pan-right', label: '➡️' },
  { action: 'pan-up', label: '⬆️' },
  { action: 'pan-down', label: '⬇️' },
] as const;

/**
 * The buttons under a result.
 * - Several images: `U1`…`Un` (upscale that image), `V1`…`Vn` (variations of it), then Re-roll, Edit, Delete.
 * - One image (an upscale, say): Re-roll, Variations, Upscale, Edit, Delete, then Zoom out 1.5×/2× and the pans.
 * A local enlargement has no Re-roll: it would come out the same.
 */
export function resultButtons(job: Job): ReplyButton[] {
  const jobId = job.id;
  const count = Math.min(job.resultImages.length, maxImageNumber);
  const reroll: ReplyButton[] =
    job.studio?.localEnlargement === undefined
      ? [{ action: 'reroll', jobId, label: '🎲 Re-roll', row: rows.actions }]
      : [];
  const editAndDelete: ReplyButton[] = [
    { action: 'edit', jobId, label: '✏ Edit', row: rows.actions },
    { action: 'delete', jobId, label: '🗑 Delete', row: rows.actions },
  ];
  if (count > 1) {
    const numbers = Array.from({ length: count }, (_, index) => index + 1);
    return [
      ...numbers.map(
        (image): ReplyButton => ({
          action: 'upscale',
          jobId,
          image,
          label: `U${image}`,
          row: rows.upscale,
        }),
      ),
      ...numbers.map(
        (image): ReplyButton => ({
          action: 'variations',
          jobId,
          image,
          label: `V${image}`,
          row: rows.variations,
        }),
      ),
      ...reroll,
      ...editAndDelete,
    ];
  }
  return [
    ...reroll,
    { action: 'variations', jobId, label: '🔀 Variations', row: rows.actions },
    { action: 'upscale', jobId, label: '⬆ Upscale', row: rows.actions },
    ...editAndDelete,
    ...zoomButtons.map((button): ReplyButton => ({ ...button, jobId, row: rows.zoom })),
    ...panButtons.map((button): ReplyButton => ({ ...button, jobId, row: rows.pan })),
  ];
}
