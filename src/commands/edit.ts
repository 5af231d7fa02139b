import { z } from 'zod';
import type { LazyAttachment } from '../core/attachment.js';
import { ImagineError } from '../core/errors.js';
import type { Job, JobOptions } from '../core/jobs/job.js';
import { resolveModel } from '../core/models/table.js';
import { resolveRequest } from '../core/resolve-request.js';
import type { Command } from './command.js';
import type { CommandContext } from './context.js';
import { parseInlineFlags } from './flags.js';
import { checkPrompt, newJob, readImages, storeImages, unreadImages } from './job-factory.js';
import { imageOptionsSchema } from './options.js';
import { errorReply } from './replies/index.js';
import type { Reply } from './reply.js';
import { runWithSlot } from './run-job.js';
import type { BotServices } from './services.js';
import { styleReferences } from './style-reference.js';

/** What an edit keeps of the job it continues from: how it looks, not how many or which seed. */
function keptOptions(parent: Job): Omit<JobOptions, 'model' | 'prompt'> {
  const {
    model: _model,
    prompt: _prompt,
    n: _n,
    seed: _seed,
    groupImages: _group,
    // The parent's style is in its image already; an edit gives --sref again to add one.
    styleReference: _style,
    ...kept
  } = parent.options;
  return kept;
}

/** The conversation an edit joins: the thread's own, or a copy of the parent's up to the parent (a fork). */
async function conversationFor(services: BotServices, context: CommandContext, parent: Job): Promise<string> {
  if (context.threadId) {
    const linked = await services.conversations.conversationOfThread(context.threadId);
    if (linked) return linked;
  }
  const id = services.newId();
  await services.conversations.fork({
    id,
    channelId: context.channelId,
    from: parent.conversationId,
    upTo: parent.id,
  });
  return id;
}

/** An edit that continues from `parent`: multi-turn models get the conversation, others the parent's image. */
export async function editFrom(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  text: string,
  givenAttachments: readonly LazyAttachment[],
): Promise<Reply> {
  try {
    const inline = parseInlineFlags(text);
    // Images alone are an edit too: they are worked into the current image.
    const instruction =
      inline.prompt || (givenAttachments.length > 0 ? 'Work the attached image(s) into this image.' : '');
    const flags = inline.options;
    if (!instruction)
      throw new ImagineError('invalid_option', 'Say what to change, e.g. "make the sky purple".');
    checkPrompt(services, inline.prompt);
    const parentImage = parent.resultImages[0];
    if (!parentImage) throw new ImagineError('invalid_option', 'That request made no image to edit yet.');
    const row = resolveModel(flags.model ?? parent.modelUsed ?? parent.options.model);
    const options: JobOptions = { ...keptOptions(parent), ...flags, model: row.id, prompt: instruction };
    const style = await styleReferences(services, flags.styleReference, givenAttachments);
    const attachments = style.subject;
    const unread = unreadImages(attachments);
    const multiTurn = row.capabilities.multiTurn;
    const parentBytes = await services.blobs.getImage(parentImage.hash);
    if (!parentBytes) {
      throw new ImagineError(
        'invalid_image',
        'The image to edit has expired (images are kept for a limited time). Make it again with imagine.',
      );
    }
    // Validate before taking a quota slot: a bad size or flag costs nothing, and nothing is downloaded yet.
    const previous = { bytes: parentBytes.bytes, mediaType: parentBytes.mediaType };
    resolveRequest(
      multiTurn
        ? {
            ...options,
            images: unread,
            styleImages: style.unread,
            history: [{ role: 'model', images: [previous] }],
          }
        : { ...options, images: [previous, ...unread], styleImages: style.unread },
    );
    return await runWithSlot(services, context, async () => {
      const attached = await storeImages(services, await readImages(attachments));
      const conversationId = await conversationFor(services, context, parent);
      return newJob(services, context, {
        kind: 'edit',
        options,
        userPrompt: instruction,
        parentId: parent.id,
        conversationId,
        inputImages: multiTurn ? attached : [parentImage, ...attached],
        styleImages: await style.store(),
        ...(multiTurn && { historyUpTo: parent.id }),
      });
    });
  } catch (error) {
    return errorReply(error);
  }
}

/** A message in a bot thread: continues that thread's conversation from its latest result. */
export const edit = {
  name: 'edit',
  answersPrivately: false,
  makesImages: true,
  subcommand: false,
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
    // Inline text with --flags: a reply in a thread (Discord, Slack, the chat).
    return [await editFrom(services, context, parent, input.text ?? '', input.attachments ?? [])];
  },
} satisfies Command;
