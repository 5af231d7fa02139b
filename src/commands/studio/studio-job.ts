import type { Job, JobKind, JobOptions, Studio } from '../../core/jobs/job.js';
import type { ModelRow } from '../../core/models/model-row.js';
import { resolveModel } from '../../core/models/table.js';
import { resolveRequest } from '../../core/resolve-request.js';
import type { CommandContext } from '../context.js';
import { newJob, storeImages } from '../job-factory.js';
import type { Reply } from '../reply.js';
import { runWithSlot } from '../run-job.js';
import type { BotServices } from '../services.js';
import type { ChosenImage } from './chosen-image.js';

/** The conversation of the thread this was asked in, if it is one of ours. */
async function threadConversation(
  services: BotServices,
  context: CommandContext,
): Promise<string | undefined> {
  return context.threadId ? services.conversations.conversationOfThread(context.threadId) : undefined;
}

/** A copy of the parent's conversation up to the parent: the result starts a thread of its own. */
async function forkFrom(services: BotServices, context: CommandContext, parent: Job): Promise<string> {
  const conversationId = services.newId();
  await services.conversations.fork({
    id: conversationId,
    channelId: context.channelId,
    from: parent.conversationId,
    upTo: parent.id,
  });
  return conversationId;
}

/**
 * The conversation a studio result joins: the thread it was asked in, else a fork of the parent's conversation
 * (then the result names a thread of its own).
 */
export async function studioConversation(
  services: BotServices,
  context: CommandContext,
  parent: Job,
): Promise<{ conversationId: string; inThread: boolean }> {
  const linked = await threadConversation(services, context);
  if (linked) return { conversationId: linked, inThread: true };
  return { conversationId: await forkFrom(services, context, parent), inThread: false };
}

/** The model an image made by `parent` is edited with: that model when it edits, else its family's edit model. */
export function editRowOf(parent: Job): ModelRow {
  const row = resolveModel(parent.modelUsed ?? parent.options.model);
  const editModel = row.capabilities.editModel;
  return row.capabilities.edit || editModel === undefined ? row : resolveModel(editModel);
}

export interface StudioEdit {
  kind: JobKind;
  options: JobOptions;
  studio: Studio;
  /** A picture made from the chosen image (zoom and pan pad it), sent instead of it; made after the slot is taken. */
  transformInput?: () => Promise<{ bytes: Uint8Array; mediaType: string }>;
}

/**
 * Runs an edit of one chosen image (upscale, variations, zoom, pan): only that image is sent, never the parent's
 * prompt as a new generation nor its conversation. Checked before a quota slot is taken; the input is made after.
 */
export async function runStudioEdit(
  services: BotServices,
  context: CommandContext,
  parent: Job,
  chosen: ChosenImage,
  edit: StudioEdit,
): Promise<Reply> {
  resolveRequest({ ...edit.options, images: [{ bytes: chosen.bytes, mediaType: chosen.mediaType }] });
  const linked = await threadConversation(services, context);
  return runWithSlot(
    services,
    context,
    async () => {
      const [inputRef] = edit.transformInput
        ? await storeImages(services, [await edit.transformInput()])
        : [chosen.ref];
      const job = newJob(services, context, {
        kind: edit.kind,
        options: edit.options,
        // The result shows the prompt it came from, not our instruction to the model.
        userPrompt: parent.userPrompt,
        parentId: parent.id,
        conversationId: linked ?? (await forkFrom(services, context, parent)),
        inputImages: inputRef ? [inputRef] : [],
      });
      return { ...job, studio: edit.studio };
    },
    { threadName: linked === undefined },
  );
}
