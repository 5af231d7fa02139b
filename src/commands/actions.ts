import { ImagineError } from '../core/errors.js';
import type { Job } from '../core/jobs/job.js';
import { findModel } from '../core/models/table.js';
import type { Resolution } from '../core/request.js';
import type { CommandContext } from './context.js';
import { editFrom } from './edit.js';
import { newJob } from './job-factory.js';
import { errorReply } from './replies/index.js';
import { type ButtonAction, infoReply, type Reply } from './reply.js';
import { runJob } from './run-job.js';
import type { BotServices } from './services.js';

const tierOrder: readonly Resolution[] = ['1K', '2K', '3K', '4K'];

/** The conversation a follow-up job joins: the thread it was pressed in, else a new one of its own. */
async function threadConversation(
  services: BotServices,
  context: CommandContext,
): Promise<string | undefined> {
  return context.threadId ? services.conversations.conversationOfThread(context.threadId) : undefined;
}

async function again(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  kind: 'reroll' | 'upscale',
  change: Partial<Job['options']>,
) {
  const conversationId = await threadConversation(services, context);
  const job = newJob(services, context, {
    kind,
    options: { ...parent.options, ...change },
    userPrompt: parent.userPrompt,
    parentId: parent.id,
    inputImages: parent.inputImages,
    ...(conversationId && { conversationId }),
    ...(conversationId && parent.historyUpTo && { historyUpTo: parent.historyUpTo }),
  });
  if (!conversationId) {
    await services.conversations.create({
      id: job.conversationId,
      channelId: job.channelId,
      turns: [],
      updatedAt: services.now(),
    });
  }
  return runJob(services, job, context, { threadName: !conversationId });
}

function reroll(services: BotServices, context: CommandContext, parent: Job): Promise<Reply> {
  const row = findModel(parent.options.model);
  const seedRange = row?.options.seed;
  // Same options, new seed where the model takes one; elsewhere the model picks a new one itself.
  const seed = seedRange ? Math.floor(services.random() * Math.min(seedRange.max, 2_147_483_647)) : undefined;
  return again(services, context, parent, 'reroll', seed === undefined ? {} : { seed });
}

async function upscale(services: BotServices, context: CommandContext, parent: Job): Promise<Reply> {
  const row = findModel(parent.modelUsed ?? parent.options.model);
  const current = parent.options.resolution ?? row?.defaults.resolution ?? '1K';
  const higher =
    row?.resolutions.values.filter((tier) => tierOrder.indexOf(tier) > tierOrder.indexOf(current)) ?? [];
  const next = higher[0];
  if (!row || !next) {
    return infoReply(`${row?.displayName ?? 'This model'} has no resolution above ${current}.`);
  }
  return again(services, context, parent, 'upscale', { resolution: next, model: row.id });
}

function variations(services: BotServices, context: CommandContext, parent: Job): Promise<Reply> {
  const instruction = `Make a variation of this image: same subject and style, new details. (${parent.userPrompt})`;
  return editFrom(services, context, parent, instruction, [], 'variations');
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

/** A result button: an action and a job id. Anyone may press re-roll etc. and gets their own job. */
export async function pressButton(
  services: BotServices,
  context: CommandContext,
  action: ButtonAction,
  jobId: string,
  text = '',
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
      return [await upscale(services, context, parent)];
    case 'variations':
      return [await variations(services, context, parent)];
    case 'edit':
      return [await editFrom(services, context, parent, text, [])];
    case 'delete':
      return [remove(context, parent)];
    case 'pick':
      return [pick(parent)];
  }
}
