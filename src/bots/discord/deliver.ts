import { ChannelType, type Message, ThreadAutoArchiveDuration } from 'discord.js';
import type { Reply } from '../../commands/reply.js';
import type { DiscordBot } from './bot.js';
import { describeError, isMissingPermissions, isTooLarge, permissionText } from './discord-errors.js';
import { messageKey, messageUrl, threadKey } from './ids.js';
import type { Outlet } from './outlets.js';
import { type MessageData, renderReply } from './render-reply.js';

export interface DeliveryPlace {
  /** Set when the replies land inside a thread: results continue it instead of starting their own. */
  threadId?: string;
  /** The message a button was pressed on (the delete button removes it). */
  sourceMessage?: Message;
}

/**
 * Posts the brain's replies and tells the brain where its results landed: a new thread on the first message of a
 * result (named from the prompt), and every message of it as an edit target.
 */
export async function deliverReplies(
  bot: DiscordBot,
  replies: readonly Reply[],
  outlet: Outlet,
  place: DeliveryPlace,
): Promise<void> {
  for (const reply of replies) {
    // Its job posts its own progress and outcome.
    if (reply.pending) continue;
    if (reply.deleteMessage && place.sourceMessage) await deleteMessage(bot, place.sourceMessage);
    const posted: Message[] = [];
    for (const data of renderReply(reply)) {
      const message = await postOne(bot, outlet, data, reply.ephemeral);
      if (message) posted.push(message);
    }
    const [first, ...rest] = posted;
    if (!first || reply.jobId === undefined || reply.kind === 'error' || reply.ephemeral) continue;
    const thread =
      reply.threadName && !place.threadId
        ? await startThread(bot, outlet, first, reply.threadName)
        : undefined;
    await bot.brain.linkResult(reply.jobId, {
      messageKey: messageKey(first.channelId, first.id),
      messageUrl: messageUrl(first.guildId, first.channelId, first.id),
      ...(thread && { threadKey: threadKey(thread) }),
    });
    for (const message of rest) {
      await bot.brain.linkResult(reply.jobId, { messageKey: messageKey(message.channelId, message.id) });
    }
  }
}

/** Posts; a missing permission or a file Discord finds too large becomes a text message saying so. */
async function postOne(
  bot: DiscordBot,
  outlet: Outlet,
  data: MessageData,
  ephemeral: boolean,
): Promise<Message | undefined> {
  try {
    return await outlet.post(data, ephemeral);
  } catch (error) {
    bot.logger.warn('Discord: could not post a message', { error: describeError(error) });
    if (data.files.length === 0 || !(isMissingPermissions(error) || isTooLarge(error))) return undefined;
    const note = isMissingPermissions(error)
      ? permissionText('Attach Files', 'upload the images')
      : '⚠ The images are larger than Discord accepts here, so they could not be uploaded.';
    try {
      const content = `${data.content.slice(0, 2000 - note.length - 1)}\n${note}`;
      return await outlet.post({ ...data, content, files: [] }, ephemeral);
    } catch (second) {
      bot.logger.warn('Discord: could not post the notice either', { error: describeError(second) });
      return undefined;
    }
  }
}

/** A public thread on a result message; returns its id, or undefined (with a notice) when it cannot. */
async function startThread(
  bot: DiscordBot,
  outlet: Outlet,
  message: Message,
  name: string,
): Promise<string | undefined> {
  const type = message.channel?.type;
  if (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement) return undefined;
  try {
    const thread = await message.startThread({
      name: name.slice(0, 100),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
    return thread.id;
  } catch (error) {
    bot.logger.warn('Discord: could not start a thread', { error: describeError(error) });
    if (!isMissingPermissions(error)) return undefined;
    const notice = `${permissionText('Create Public Threads', 'start a thread for this result')} Meanwhile, reply to the image to edit it.`;
    await postOne(
      bot,
      outlet,
      { content: notice, files: [], components: [], allowedMentions: { parse: [] } },
      true,
    );
    return undefined;
  }
}

async function deleteMessage(bot: DiscordBot, message: Message): Promise<void> {
  try {
    await message.delete();
  } catch (error) {
    bot.logger.warn('Discord: could not delete a result message', { error: describeError(error) });
  }
}
