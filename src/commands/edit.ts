import { z } from 'zod';
import { turnsUpTo } from '../core/conversations/history.js';
import { ImagineError } from '../core/errors.js';
import type { Job, JobOptions } from '../core/jobs/job.js';
import { resolveModel } from '../core/models/table.js';
import type { InputImage } from '../core/request.js';
import type { Command } from './command.js';
import type { CommandContext } from './context.js';
import { parseInlineFlags } from './flags.js';
import { newJob, storeImages } from './job-factory.js';
import { imageOptionsSchema } from './options.js';
import { errorReply } from './replies/index.js';
import type { Reply } from './reply.js';
import { runJob } from './run-job.js';
import type { BotServices } from './services.js';

/** What an edit keeps of the job it continues from: how it looks, not how many or which seed. */
function keptOptions(parent: Job): Omit<JobOptions, 'model' | 'prompt'> {
  const { model: _model, prompt: _prompt, n: _n, seed: _seed, groupImages: _group, ...kept } = parent.options;
  return kept;
}

/** The conversation an edit joins: the thread's own, or a copy of the parent's up to the parent (a fork). */
async function conversationFor(services: BotServices, context: CommandContext, parent: Job): Promise<string> {
  if (context.threadId) {
    const linked = await services.conversations.conversationOfThread(context.threadId);
    if (linked) return linked;
  }
  const source = await services.conversations.get(parent.conversationId);
  const id = services.newId();
  await services.conversations.create({
    id,
    channelId: context.channelId,
    turns: source ? turnsUpTo(source.turns, parent.id) : [],
    currentJobId: parent.id,
    updatedAt: services.now(),
  });
  return id;
}

/** An edit that continues from `parent`: multi-turn models get the conversation, others the parent's image. */
export async function editFrom(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  text: string,
  attachments: readonly InputImage[],
  kind: 'edit' | 'variations' = 'edit',
): Promise<Reply> {
  try {
    const { prompt: instruction, options: flags } = parseInlineFlags(text);
    if (!instruction)
      throw new ImagineError('invalid_option', 'Say what to change, e.g. "make the sky purple".');
    const parentImage = parent.resultImages[0];
    if (!parentImage) throw new ImagineError('invalid_option', 'That request made no image to edit yet.');
    const row = resolveModel(flags.model ?? parent.modelUsed ?? parent.options.model);
    const options: JobOptions = { ...keptOptions(parent), ...flags, model: row.id, prompt: instruction };
    const attached = await storeImages(services, attachments);
    const conversationId = await conversationFor(services, context, parent);
    const multiTurn = row.capabilities.multiTurn;
    const job = newJob(services, context, {
      kind,
      options,
      userPrompt: instruction,
      parentId: parent.id,
      conversationId,
      inputImages: multiTurn ? attached : [parentImage, ...attached],
      ...(multiTurn && { historyUpTo: parent.id }),
    });
    return await runJob(services, job, context);
  } catch (error) {
    return errorReply(error);
  }
}

/** A message in a bot thread: continues that thread's conversation from its latest result. */
export const edit = {
  name: 'edit',
  summary: 'Reply in a result thread to change the image; Gemini keeps the whole conversation.',
  help: 'edit <what to change> [--model ID] [--ar 1:1] …  (reply in the thread; attach images to add them)',
  options: imageOptionsSchema.extend({ text: z.string() }),
  async run(input, context, services) {
    const conversationId = context.threadId
      ? await services.conversations.conversationOfThread(context.threadId)
      : undefined;
    const conversation = conversationId ? await services.conversations.get(conversationId) : undefined;
    const parent = conversation?.currentJobId
      ? await services.jobs.get(conversation.currentJobId)
      : undefined;
    if (!parent) {
      return [
        errorReply(new ImagineError('invalid_option', 'There is no image in this thread to edit yet.')),
      ];
    }
    return [await editFrom(services, context, parent, input.text ?? '', input.attachments ?? [])];
  },
} satisfies Command;
