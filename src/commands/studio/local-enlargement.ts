import type { Job } from '../../core/jobs/job.js';
import { findModel } from '../../core/models/table.js';
import { enlargeImage, maxEnlargedSide } from '../../core/studio/canvas.js';
import type { CommandContext } from '../context.js';
import { newJob } from '../job-factory.js';
import { resultReply } from '../replies/index.js';
import { infoReply, type Reply } from '../reply.js';
import type { BotServices } from '../services.js';
import type { ChosenImage } from './chosen-image.js';
import { studioConversation } from './studio-job.js';

/** How much a local enlargement enlarges, at most. */
const localFactor = 2;

/**
 * An upscale where the family has no model to send it to: the image enlarged here (sharp, lanczos3), nothing sent
 * upstream and no quota used. It is stored as a finished job so its buttons (zoom, pan, edit) work like any other.
 */
export async function enlargeLocally(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  chosen: ChosenImage,
): Promise<Reply> {
  const longest = Math.max(chosen.width, chosen.height);
  const factor = Math.min(localFactor, maxEnlargedSide / longest);
  if (factor < 1.1) {
    return infoReply(
      `Image ${chosen.number} is already ${chosen.width}x${chosen.height}: as large as an upscale goes.`,
    );
  }
  const startedAt = services.now();
  const enlarged = await enlargeImage(chosen.bytes, chosen.mediaType, factor);
  const hash = await services.blobs.putImage(enlarged.bytes, enlarged.mediaType, services.config.imageTtlMs);
  const resultImages = [{ hash, mediaType: enlarged.mediaType }];
  const { conversationId, inThread } = await studioConversation(services, context, parent);
  const model = parent.modelUsed ?? parent.options.model;
  const job: Job = {
    ...newJob(services, context, {
      kind: 'upscale',
      options: { model, prompt: parent.options.prompt },
      userPrompt: parent.userPrompt,
      parentId: parent.id,
      conversationId,
      inputImages: [chosen.ref],
    }),
    status: 'done',
    resultImages,
    modelUsed: model,
    sent: { size: `${enlarged.width}x${enlarged.height}` },
    studio: { image: chosen.number, localEnlargement: Number(factor.toFixed(2)) },
    startedAt,
    finishedAt: services.now(),
  };
  await services.jobs.save(job);
  await services.conversations.append(
    conversationId,
    [
      { role: 'user', text: 'upscale', images: [chosen.ref], jobId: job.id },
      { role: 'model', images: resultImages, jobId: job.id },
    ],
    job.id,
  );
  return resultReply(job, [enlarged], findModel(model), {
    uploadLimitBytes: context.uploadLimitBytes,
    elapsedMs: services.now() - startedAt,
    threadName: !inThread,
    parent,
  });
}
