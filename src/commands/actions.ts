import { ImagineError } from '../core/errors.js';
import type { Job } from '../core/jobs/job.js';
import type { ModelRow } from '../core/models/model-row.js';
import { findModel } from '../core/models/table.js';
import { type Resolution, resolutions } from '../core/request.js';
import { parseSize, tierOf } from '../core/sizes.js';
import type { CommandContext } from './context.js';
import { editFrom } from './edit.js';
import { newJob } from './job-factory.js';
import { errorReply } from './replies/index.js';
import { type ButtonAction, infoReply, type Reply } from './reply.js';
import { runJob } from './run-job.js';
import type { BotServices } from './services.js';

/**
 * The conversation a re-roll or upscale joins. In the thread of the parent's conversation: that thread, so the
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
  kind: 'reroll' | 'upscale',
  change: Partial<Job['options']>,
) {
  const { conversationId, inThread } = await conversationForAgain(services, context, parent);
  const job = newJob(services, context, {
    kind,
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
  const row = findModel(parent.options.model);
  const seedRange = row?.options.seed;
  // Same options, new seed where the model takes one; elsewhere the model picks a new one itself.
  const seed = seedRange ? Math.floor(services.random() * Math.min(seedRange.max, 2_147_483_647)) : undefined;
  return again(services, context, parent, 'reroll', seed === undefined ? {} : { seed });
}

/** `2560x1440` → `16:9`. */
function ratioText(width: number, height: number): string {
  const divisor = greatestCommonDivisor(width, height);
  return `${width / divisor}:${height / divisor}`;
}

function greatestCommonDivisor(first: number, second: number): number {
  return second === 0 ? first : greatestCommonDivisor(second, first % second);
}

/** The tier a job ran at: asked for, the row's default, else read from its pixel size (Seedream's tiers are sizes). */
function tierOfJob(parent: Job, row: ModelRow): Resolution | undefined {
  const asked = parent.options.resolution ?? row.defaults.resolution;
  if (asked) return asked;
  const own = parseSize(parent.options.size ?? '');
  const size = own?.kind === 'pixels' ? own : parseSize(row.defaults.size ?? '');
  const tier = size?.kind === 'pixels' ? tierOf(size) : undefined;
  return resolutions.find((candidate) => candidate === tier);
}

async function upscale(services: BotServices, context: CommandContext, parent: Job): Promise<Reply> {
  const row = findModel(parent.modelUsed ?? parent.options.model);
  const offered = row?.resolutions.values ?? [];
  const current = (row && tierOfJob(parent, row)) ?? offered[0];
  const next = offered.find(
    (tier) => current !== undefined && resolutions.indexOf(tier) > resolutions.indexOf(current),
  );
  if (!row || !next) {
    const name = row?.displayName ?? 'This model';
    return infoReply(
      current ? `${name} has no resolution above ${current}.` : `${name} has no higher resolution.`,
    );
  }
  // A pixel size pins the tier; its aspect ratio lets the higher tier pick its own size.
  const size = parseSize(parent.options.size ?? '');
  const keepShape =
    size?.kind === 'pixels' && row.resolutions.wire === 'size-tier'
      ? { size: ratioText(size.width, size.height) }
      : {};
  return again(services, context, parent, 'upscale', { resolution: next, model: row.id, ...keepShape });
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
