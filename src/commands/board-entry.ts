import type { BoardEntry } from '../core/board/board-index.js';
import type { Job } from '../core/jobs/job.js';
import { type ImageOptions, imageOptionsSchema } from '../core/options/option-schemas.js';
import { formatOptionsAsFlags } from './flags.js';

/** The job's options a user could type again, each checked alone (stored values such as image refs drop out). */
function retypableOptions(job: Job): ImageOptions {
  const options: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(job.options)) {
    if (field === 'prompt' || !['string', 'number', 'boolean'].includes(typeof value)) continue;
    const parsed = imageOptionsSchema.safeParse({ [field]: value });
    if (parsed.success) Object.assign(options, parsed.data);
  }
  return imageOptionsSchema.parse(options);
}

/** What the team board shows of a finished job with images. */
export function boardEntryOf(job: Job, expiresAt: number, messageUrl?: string): BoardEntry {
  const options = retypableOptions(job);
  const flags = formatOptionsAsFlags({ ...options, model: job.modelUsed ?? job.options.model });
  return {
    jobId: job.id,
    channelId: job.channelId,
    kind: job.kind,
    ...(job.parentId !== undefined && { parentId: job.parentId }),
    ...(job.studio !== undefined && { parentImage: job.studio.image }),
    conversationId: job.conversationId,
    prompt: job.userPrompt,
    model: job.modelUsed ?? job.options.model,
    command: `/imagine ${job.userPrompt}${flags ? ` ${flags}` : ''}`,
    options: Object.fromEntries(
      Object.entries({ ...options, model: job.modelUsed ?? job.options.model }).map(([name, value]) => [
        name,
        String(value),
      ]),
    ),
    requester: job.requester,
    ...(job.label !== undefined && { label: job.label }),
    images: job.resultImages.map((image) => ({ hash: image.hash, mediaType: image.mediaType })),
    ...(messageUrl !== undefined && { messageUrl }),
    createdAt: job.createdAt,
    expiresAt,
  };
}
