import type { Attachment, Message, MessageReaction } from 'discord.js';
import type { CommandContext } from '../../commands/context.js';
import { errorReply } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import type { LazyAttachment } from '../../core/attachment.js';
import { decideAccess, memberRoleIds } from './access.js';
import { imageAttachments, lazyAttachments } from './attachments.js';
import { type DiscordBot, defaultUploadLimitBytes } from './bot.js';
import { discordContext } from './command-context.js';
import { deliverReplies } from './deliver.js';
import { describeError } from './discord-errors.js';
import { messageKey, threadKey } from './ids.js';
import { channelOutlet } from './outlets.js';

/** Discord's typing indicator lasts about 10 s; renew it a little sooner while a job runs. */
const typingRenewMs = 8000;

type Call = (context: CommandContext, attachments: readonly LazyAttachment[]) => Promise<Reply[] | undefined>;

/**
 * Messages: in one of our threads an edit; a Discord reply to one of our results an edit of that image; a reply
 * that mentions the bot on anyone's image an edit of it; a mention elsewhere a prompt. Bots (us included) and
 * threads that are not ours are ignored.
 */
export async function handleMessage(bot: DiscordBot, message: Message): Promise<void> {
  if (message.author.bot || message.webhookId !== null || message.system || !message.inGuild()) return;
  const channel = message.channel;
  const thread = channel.isThread() ? channel : undefined;
  const access = decideAccess(bot.rules, {
    guildId: message.guildId,
    channelId: message.channelId,
    parentId: thread?.parentId ?? null,
    roleIds: memberRoleIds(message.member),
  });
  if (!access.allowed) return;
  const botId = bot.client.user?.id;
  if (!botId) return;
  const mentioned = message.mentions.users.has(botId);
  const text = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').trim();
  const own = imageAttachments(message.attachments.values());
  // Without the Message Content intent, messages that do not mention us arrive empty: nothing to act on.
  if (text === '' && own.length === 0) return;
  const work = (images: Attachment[], call: Call) =>
    workOn(
      bot,
      message,
      { isAdmin: access.isAdmin, threadId: thread?.id, parentId: thread?.parentId },
      images,
      call,
    );

  if (thread) {
    if (!(await bot.brain.ownsThread(threadKey(thread.id)))) return;
    return work(own, (context, attachments) => bot.brain.threadMessage(text, attachments, context));
  }
  const referenced = message.reference?.messageId;
  if (referenced) {
    const key = messageKey(message.channelId, referenced);
    if (await bot.brain.ownsMessage(key)) {
      return work(own, (context, attachments) => bot.brain.replyToMessage(key, text, attachments, context));
    }
    if (mentioned) {
      const original = await message.fetchReference().catch(() => undefined);
      const theirs = original ? imageAttachments(original.attachments.values()) : [];
      if (theirs.length > 0) {
        return work([...theirs, ...own], (context, attachments) =>
          bot.brain.command('imagine', { prompt: text }, attachments, context),
        );
      }
    }
  }
  if (mentioned) return work(own, (context, attachments) => bot.brain.text(text, attachments, context));
}

/** ⌛ and typing first, the brain after, then the result and ✅ (or ❌ with the error text). */
async function workOn(
  bot: DiscordBot,
  message: Message<true>,
  place: { isAdmin: boolean; threadId: string | undefined; parentId: string | null | undefined },
  images: Attachment[],
  call: Call,
): Promise<void> {
  const hourglass = await react(bot, message, '⌛');
  let typedAt = bot.clock.now();
  await typing(bot, message);
  const context = discordContext(message.author, { ...place, channelId: message.channelId }, place.isAdmin, {
    uploadLimitBytes: defaultUploadLimitBytes,
    onProgress: (event) => {
      if (event.type !== 'running' || bot.clock.now() - typedAt < typingRenewMs) return;
      typedAt = bot.clock.now();
      void typing(bot, message);
    },
    // A job answers the message itself (from any process): a reply to it, and ✅ or ❌ in place of the ⌛.
    destination: async () => ({
      platform: 'discord',
      applicationId: bot.client.application?.id ?? bot.client.user?.id ?? '',
      channelId: message.channelId,
      guildId: message.guildId,
      ...(place.threadId && { threadId: place.threadId }),
      requesterId: message.author.id,
      replyToMessageId: message.id,
      reactionMessageId: message.id,
    }),
  });
  let replies: Reply[] | undefined;
  try {
    replies = await call(context, lazyAttachments(images, bot));
  } catch (error) {
    replies = [errorReply(error)];
  }
  if (replies === undefined) {
    await hourglass?.users.remove().catch(() => undefined);
    return;
  }
  if (replies.some((reply) => reply.pending)) {
    await deliverReplies(bot, replies, channelOutlet(message.channel, message), {});
    return;
  }
  await deliverReplies(bot, replies, channelOutlet(message.channel, message), {
    ...(place.threadId && { threadId: place.threadId }),
  });
  await hourglass?.users.remove().catch((error: unknown) => {
    bot.logger.debug('Discord: could not remove a reaction', { error: describeError(error) });
  });
  await react(bot, message, replies.some((reply) => reply.kind === 'error') ? '❌' : '✅');
}

async function react(bot: DiscordBot, message: Message, emoji: string): Promise<MessageReaction | undefined> {
  try {
    return await message.react(emoji);
  } catch (error) {
    bot.logger.warn('Discord: could not add a reaction (Add Reactions permission?)', {
      error: describeError(error),
    });
    return undefined;
  }
}

async function typing(bot: DiscordBot, message: Message<true>): Promise<void> {
  try {
    await message.channel.sendTyping();
  } catch (error) {
    bot.logger.debug('Discord: could not show typing', { error: describeError(error) });
  }
}
