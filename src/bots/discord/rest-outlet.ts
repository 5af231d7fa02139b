/**
 * Discord's `ReplyOutlet`: posts a job's replies through REST alone (discord.js's `REST`, no gateway), so any
 * process holding the bot token can deliver any job.
 *
 * While the interaction token lives (`tokenExpiresAt`, 14 of Discord's 15 minutes), replies go through the
 * interaction's webhook: progress and the first message of an outcome edit `@original` (the deferred reply;
 * not for a `followUp` destination), later messages are follow-ups. After that, or when Discord says the token is
 * gone, they are channel messages (in `threadId` when set) that mention the requester; progress then edits the
 * queued note (`messageId`) if there is one. Without any interaction (a message in a thread) they are plain
 * channel messages replying to the user's message, pinging nobody, with ⌛ → ✅/❌ on it and typing as progress.
 * A result that starts a conversation gets its thread, as from the gateway adapter.
 */
import { type REST, Routes } from 'discord.js';
import type { DeliveryStep, Landed, Posted, ReplyOutlet } from '../../commands/delivery.js';
import { progressText } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import type { Logger } from '../../core/logger.js';
import type { JobEvents } from '../../core/observe/job-events.js';
import { type DiscordDestination, discordDestinationSchema } from './destination.js';
import { describeError, discordMetricCode, isMissingPermissions, isTokenGone } from './discord-errors.js';
import { messageKey, messageUrl, threadKey } from './ids.js';
import { withMention } from './outlets.js';
import { type MessageData, renderReply } from './render-reply.js';
import { createRestSender, type PostedMessage } from './rest-sender.js';

export interface DiscordRestOutletOptions {
  /** Bot-token REST client: `new REST({ api }).setToken(token)`; webhook calls go without the token. */
  rest: REST;
  logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  now?: () => number;
  /** Counts the replies Discord refused (metrics). */
  events?: Pick<JobEvents, 'platformError'>;
}

const progressSteps: readonly DeliveryStep[] = ['queued', 'progress', 'continuing'];

export function createDiscordRestOutlet(options: DiscordRestOutletOptions): ReplyOutlet<DiscordDestination> {
  const { rest, logger } = options;
  const now = options.now ?? Date.now;
  const sender = createRestSender(rest, logger);
  const { send } = sender;

  const tokenAlive = (destination: DiscordDestination) =>
    destination.interactionToken !== undefined &&
    (destination.tokenExpiresAt === undefined || now() < destination.tokenExpiresAt);

  /** Runs `call` through the webhook; undefined when the token turned out to be gone (logged). */
  const viaToken = async (
    destination: DiscordDestination,
    call: (token: string) => Promise<PostedMessage>,
  ): Promise<PostedMessage | undefined> => {
    try {
      return await call(destination.interactionToken ?? '');
    } catch (error) {
      if (!isTokenGone(error)) throw error;
      logger.info('Discord: the interaction token has expired; posting in the channel', {
        error: describeError(error),
      });
      return undefined;
    }
  };

  /** A late answer to an interaction pings the requester (they were waiting on it); a thread reply does not. */
  const inChannel = (destination: DiscordDestination, data: MessageData): MessageData =>
    destination.interactionToken === undefined ? data : withMention(data, destination.requesterId);

  const original = (destination: DiscordDestination, token: string) =>
    Routes.webhookMessage(destination.applicationId, token, '@original');
  const placeOf = (destination: DiscordDestination) => destination.threadId ?? destination.channelId;

  async function deliverProgress(destination: DiscordDestination, reply: Reply, step: DeliveryStep) {
    const [data] = renderReply(reply);
    if (!data) return;
    const text = { ...data, files: [] };
    const place = placeOf(destination);
    if (tokenAlive(destination)) {
      if (destination.followUp) return;
      const edited = await viaToken(destination, (token) =>
        sender.sendText('patch', original(destination, token), text, { auth: false }),
      );
      if (edited) return;
    }
    if (destination.messageId !== undefined) {
      await sender.sendText('patch', Routes.channelMessage(place, destination.messageId), text);
      return;
    }
    if (destination.reactionMessageId !== undefined && destination.interactionToken === undefined) {
      await rest.post(Routes.channelTyping(place)).catch(() => undefined);
      if (step === 'progress') return;
    }
    // Without a message to edit, only a step the user must hear about gets a message of its own.
    if (step !== 'progress')
      await sender.sendText('post', Routes.channelMessages(place), inChannel(destination, text));
  }

  /** One message of an outcome: through the webhook while the token lives, else in the channel. */
  async function postMessage(
    destination: DiscordDestination,
    data: MessageData,
    state: { useToken: boolean; first: boolean; ephemeral: boolean },
  ): Promise<PostedMessage> {
    if (state.useToken) {
      const editOriginal = state.first && !destination.followUp;
      const message = await viaToken(destination, (token) =>
        editOriginal
          ? send('patch', original(destination, token), data, { auth: false })
          : send('post', Routes.webhook(destination.applicationId, token), data, {
              auth: false,
              query: new URLSearchParams({ wait: 'true' }),
              ...(state.ephemeral && { flags: 64 }),
            }),
      );
      if (message) return message;
      state.useToken = false;
    }
    const replyTo =
      state.first && destination.replyToMessageId !== undefined
        ? { message_reference: { message_id: destination.replyToMessageId, fail_if_not_exists: false } }
        : {};
    return send('post', Routes.channelMessages(placeOf(destination)), inChannel(destination, data), {
      extra: replyTo,
    });
  }

  async function deliverOutcome(
    destination: DiscordDestination,
    reply: Reply,
    landed?: Landed,
  ): Promise<Posted> {
    const place = placeOf(destination);
    const state = { useToken: tokenAlive(destination), first: true, ephemeral: reply.ephemeral };
    const wentToChannel = !state.useToken;
    const posted: PostedMessage[] = [];
    for (const data of renderReply(reply)) {
      const message = await sender.withFallback(data, (fitted) => postMessage(destination, fitted, state));
      state.first = false;
      if (message) posted.push(message);
    }
    const [first] = posted;
    const thread =
      first && reply.threadName && !destination.threadId && destination.guildId && reply.kind !== 'error'
        ? await startThread(destination, first, reply.threadName)
        : undefined;
    const where: Posted = {
      messageKeys: posted.map((message) => messageKey(message.channel_id, message.id)),
      ...(first && { messageUrl: messageUrl(destination.guildId, first.channel_id, first.id) }),
      ...(thread && { threadKey: threadKey(thread) }),
    };
    await landed?.(where);
    // The queued note would otherwise stay "Queued" next to the outcome.
    if (wentToChannel && destination.messageId !== undefined) {
      const note = reply.kind === 'error' ? reply.text : progressText({ jobId: '', type: 'done' });
      await send('patch', Routes.channelMessage(place, destination.messageId), {
        content: note.slice(0, 2000),
        files: [],
        components: [],
        allowedMentions: { parse: [] },
      }).catch((error: unknown) => {
        logger.warn('Discord: could not update the queued note', { error: describeError(error) });
      });
    }
    if (destination.reactionMessageId !== undefined) {
      await sender.swapReaction(place, destination.reactionMessageId, reply.kind === 'error' ? '❌' : '✅');
    }
    return where;
  }

  async function startThread(destination: DiscordDestination, message: PostedMessage, name: string) {
    try {
      return await sender.startThread(message, name);
    } catch (error) {
      logger.warn('Discord: could not start a thread', { error: describeError(error) });
      if (!isMissingPermissions(error)) return undefined;
      const notice = sender.threadPermissionNotice();
      await postMessage(destination, notice, {
        useToken: tokenAlive(destination),
        first: false,
        ephemeral: true,
      }).catch(() => undefined);
      return undefined;
    }
  }

  return {
    platform: 'discord',
    destinationSchema: discordDestinationSchema,
    async deliver(destination, reply, step, landed) {
      try {
        if (progressSteps.includes(step)) {
          await deliverProgress(destination, reply, step);
          return { messageKeys: [] };
        }
        return await deliverOutcome(destination, reply, landed);
      } catch (error) {
        options.events?.platformError('discord', discordMetricCode(error));
        throw error;
      }
    },
  };
}
