import { ImagineError } from '../core/errors.js';
import type { Job } from '../core/jobs/job.js';
import { findModel } from '../core/models/table.js';
import type { CommandContext } from './context.js';
import { editFrom } from './edit.js';
import { newJob } from './job-factory.js';
import { errorReply } from './replies/index.js';
import { type ButtonAction, infoReply, type PanAction, type Reply } from './reply.js';
import { runJob } from './run-job.js';
import type { BotServices } from './services.js';
import { upscale } from './studio/upscale.js';
import { variations } from './studio/variations.js';
import { pan, zoomOut } from './studio/zoom-pan.js';

const panDirections = {
  'pan-left': 'left',
  'pan-right': 'right',
  'pan-up': 'up',
  'pan-down': 'down',
} as const satisfies Record<PanAction, string>;

const panDirectionOf = (action: PanAction) => panDirections[action];

/**
 * The conversation a re-roll joins. In the thread of the parent's conversation: that thread, so the
 * result continues it. Elsewhere: a fork holding the parent's history (up to the turn it continued from), so a
 * multi-turn edit is replayed with the same conversation instead of none.
 */
async function conversationForAgain(
  services: BotServices,
  context: CommandContext,
  parent: Job,
): Promise<{ conversationId: string; inThread: boolean }> {
  const threadConversation = context.threadId
    ? await services.conversations.conversationOfThread(context.threadId)
    : undefined;
  if (threadConversation && (!parent.historyUpTo || threadConversation === parent.conversationId)) {
    return { conversationId: threadConversation, inThread: true };
  }
  const conversationId = services.newId();
  await services.conversations.fork({
    id: conversationId,
    channelId: context.channelId,
    ...(parent.historyUpTo && { from: parent.conversationId, upTo: parent.historyUpTo }),
  });
  return { conversationId, inThread: false };
}

async function again(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  change: Partial<Job['options']>,
) {
  const { conversationId, inThread } = await conversationForAgain(services, context, parent);
  const job = newJob(services, context, {
    kind: 'reroll',
    options: { ...parent.options, ...change },
    userPrompt: parent.userPrompt,
    parentId: parent.id,
    inputImages: parent.inputImages,
    styleImages: parent.styleImages,
    conversationId,
    ...(parent.historyUpTo && { historyUpTo: parent.historyUpTo }),
  });
  return runJob(services, job, context, { threadName: !inThread });
}

function reroll(services: BotServices, context: CommandContext, parent: Job): Promise<Reply> {
  if (parent.studio?.localEnlargement !== undefined) {
    return Promise.resolve(
      infoReply('A local enlargement comes out the same every time: nothing to re-roll.'),
    );
  }
  const row = findModel(parent.options.model);
  const seedRange = row?.options.seed;
  // Same options, new seed where the model takes one; elsewhere the model picks a new one itself.
  const seed = seedRange ? Math.floor(services.random() * Math.min(seedRange.max, 2_147_483_647)) : undefined;
  return again(services, context, parent, seed === undefined ? {} : { seed });
}

function remove(context: CommandContext, parent: Job): Reply {
  if (parent.requester.id !== context.user.id && !context.user.isAdmin) {
    return infoReply('Only the person who asked for this image, or an admin, can delete it.');
  }
  return { ...infoReply('Deleted.'), deleteMessage: true, jobId: parent.id };
}

function pick(parent: Job): Reply {
  const model = findModel(parent.modelUsed ?? parent.options.model)?.displayName ?? parent.options.model;
  return {
    ...infoReply(`Continuing with ${model}: reply in the thread to refine it.`, { ephemeral: false }),
    jobId: parent.id,
    threadName: parent.userPrompt.slice(0, 90),
  };
}

/**
 * A result button: an action, a job id and, for per-image buttons (U2, V3) and the chat's `/upscale 2`, an image
 * number (1 when absent). Anyone may press re-roll etc. and gets their own job.
 */
export async function pressButton(
  services: BotServices,
  context: CommandContext,
  action: ButtonAction,
  jobId: string,
  text = '',
  image?: number,
): Promise<Reply[]> {
  const parent = await services.jobs.get(jobId);
  if (!parent) {
    return [
      errorReply(
        new ImagineError(
          'invalid_option',
          'That image is no longer available (results are kept for 7 days).',
        ),
      ),
    ];
  }
  switch (action) {
    case 'reroll':
      return [await reroll(services, context, parent)];
    case 'upscale':
      return [await upscale(services, context, parent, image)];
    case 'variations':
      return [await variations(services, context, parent, image)];
    case 'zoom-1.5':
      return [await zoomOut(services, context, parent, 1.5, image)];
    case 'zoom-2':
      return [await zoomOut(services, context, parent, 2, image)];
    case 'pan-left':
    case 'pan-right':
    case 'pan-up':
    case 'pan-down':
      return [await pan(services, context, parent, panDirectionOf(action), image)];
    case 'edit':
      return [await editFrom(services, context, parent, text, [])];
    case 'delete':
      return [remove(context, parent)];
    case 'pick':
      return [pick(parent)];
  }
}
