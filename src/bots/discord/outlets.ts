import {
  type Message,
  MessageFlags,
  type MessageMentionOptions,
  type RepliableInteraction,
  type SendableChannels,
} from 'discord.js';
import { type DiscordBot, interactionTokenLifetimeMs } from './bot.js';
import { describeError, isTokenGone } from './discord-errors.js';
import type { MessageData } from './render-reply.js';

/** Where replies go: an interaction's reply and follow-ups, or a channel/thread. */
export interface Outlet {
  /** Shows a progress line (interactions only: messages get a reaction and typing instead). */
  progress(text: string): Promise<void>;
  /** Posts one message; throws Discord's error when it cannot. */
  post(data: MessageData, ephemeral: boolean): Promise<Message>;
}

/** The requester is pinged, and only them, when a result lands outside the interaction. */
export function withMention(data: MessageData, userId: string): MessageData {
  const allowedMentions: MessageMentionOptions = { parse: [], repliedUser: false, users: [userId] };
  return { ...data, content: `<@${userId}> ${data.content}`.slice(0, 2000), allowedMentions };
}

export async function sendableChannel(bot: DiscordBot, channelId: string): Promise<SendableChannels> {
  const channel = bot.client.channels.cache.get(channelId) ?? (await bot.client.channels.fetch(channelId));
  if (!channel?.isSendable()) throw new Error(`Discord channel ${channelId} does not take messages.`);
  return channel;
}

/**
 * The first post edits the deferred reply, later ones are follow-ups. Once the token is dead (14 minutes by the
 * clock, or Discord says so) everything goes to the channel as a normal message that mentions the requester.
 */
export function interactionOutlet(
  bot: DiscordBot,
  interaction: RepliableInteraction,
  receivedAt: number,
): Outlet {
  let editsOriginal = true;
  let expired = false;
  const alive = () => !expired && bot.clock.now() - receivedAt < interactionTokenLifetimeMs;
  const markExpired = (error: unknown) => {
    expired = true;
    bot.logger.info('Discord: the interaction token has expired; posting in the channel', {
      interactionId: interaction.id,
      error: describeError(error),
    });
  };
  return {
    async progress(text) {
      if (!alive()) return;
      try {
        await interaction.editReply({ content: text, allowedMentions: { parse: [] } });
      } catch (error) {
        if (!isTokenGone(error)) throw error;
        markExpired(error);
      }
    },
    async post(data, ephemeral) {
      if (alive()) {
        try {
          const message = editsOriginal
            ? await interaction.editReply(data)
            : await interaction.followUp({ ...data, ...(ephemeral && { flags: MessageFlags.Ephemeral }) });
          editsOriginal = false;
          return message;
        } catch (error) {
          if (!isTokenGone(error)) throw error;
          markExpired(error);
        }
      }
      const channel = await sendableChannel(bot, interaction.channelId ?? '');
      return channel.send(withMention(data, interaction.user.id));
    },
  };
}

/** Posts in a channel or thread; `replyTo` makes the first message a Discord reply (without a ping). */
export function channelOutlet(channel: SendableChannels, replyTo?: Message): Outlet {
  let first = true;
  return {
    async progress() {},
    async post(data) {
      const reply = first && replyTo ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {};
      const message = await channel.send({ ...data, ...reply });
      first = false;
      return message;
    },
  };
}
