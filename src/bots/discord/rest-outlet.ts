/**
 * Discord's `ReplyOutlet`: posts a job's replies through REST alone (discord.js's `REST`, no gateway), so any
 * process holding the bot token can deliver any job.
 *
 * While the interaction token lives (`tokenExpiresAt`, 14 of Discord's 15 minutes), replies go through the
 * interaction's webhook: progress and the first message of an outcome edit `@original` (the deferred reply),
 * later messages are follow-ups. After that, or when Discord says the token is gone, they are channel messages
 * (in `threadId` when set) that mention the requester; progress then edits the queued note (`messageId`) if
 * there is one. Without any interaction (a thread reply) they are plain channel messages, pinging nobody.
 * A result that starts a conversation gets its thread, as from the gateway adapter.
 */
import { type REST, Routes, ThreadAutoArchiveDuration } from 'discord.js';
import { z } from 'zod';
import type { DeliveryStep, DiscordDestination, Posted, ReplyOutlet } from '../../commands/delivery.js';
import { progressText } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import type { Logger } from '../../core/logger.js';
import { describeError, isTokenGone } from './discord-errors.js';
import { messageKey, threadKey } from './ids.js';
import { withMention } from './outlets.js';
import { type MessageData, renderReply } from './render-reply.js';
import { restMessage } from './rest-message.js';

export interface DiscordRestOutletOptions {
  /** Bot-token REST client: `new REST({ api }).setToken(token)`; webhook calls go without the token. */
  rest: REST;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
}

const postedMessageSchema = z.object({ id: z.string(), channel_id: z.string() });
type PostedMessage = z.infer<typeof postedMessageSchema>;

const progressSteps: readonly DeliveryStep[] = ['queued', 'progress', 'continuing'];

export function createDiscordRestOutlet(options: DiscordRestOutletOptions): ReplyOutlet<'discord'> {
  const { rest, logger } = options;
  const now = options.now ?? Date.now;

  const tokenAlive = (destination: DiscordDestination) =>
    destination.interactionToken !== undefined &&
    (destination.tokenExpiresAt === undefined || now() < destination.tokenExpiresAt);

  const send = async (
    method: 'post' | 'patch',
    route: `/${string}`,
    data: MessageData,
    extra: { auth?: false; query?: URLSearchParams; flags?: number } = {},
  ): Promise<PostedMessage> => {
    const { body, files } = restMessage(data);
    const answer = await rest[method](route, {
      body: extra.flags === undefined ? body : { ...body, flags: extra.flags },
      files,
      ...(extra.auth === false && { auth: false }),
      ...(extra.query && { query: extra.query }),
    });
    return postedMessageSchema.parse(answer);
  };

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

  async function deliverProgress(destination: DiscordDestination, reply: Reply, step: DeliveryStep) {
    const [data] = renderReply(reply);
    if (!data) return;
    const text = { ...data, files: [] };
    const place = destination.threadId ?? destination.channelId;
    if (tokenAlive(destination)) {
      const edited = await viaToken(destination, (token) =>
        send('patch', original(destination, token), text, { auth: false }),
      );
      if (edited) return;
    }
    if (destination.messageId !== undefined) {
      await send('patch', Routes.channelMessage(place, destination.messageId), text);
      return;
    }
    // Without a message to edit, only a step the user must hear about gets a message of its own.
    if (step !== 'progress') await send('post', Routes.channelMessages(place), inChannel(destination, text));
  }

  async function deliverOutcome(destination: DiscordDestination, reply: Reply): Promise<Posted> {
    const place = destination.threadId ?? destination.channelId;
    let useToken = tokenAlive(destination);
    const wentToChannel = !useToken;
    const posted: PostedMessage[] = [];
    for (const data of renderReply(reply)) {
      let message: PostedMessage | undefined;
      if (useToken) {
        const first = posted.length === 0;
        message = await viaToken(destination, (token) =>
          first
            ? send('patch', original(destination, token), data, { auth: false })
            : send('post', Routes.webhook(destination.applicationId, token), data, {
                auth: false,
                query: new URLSearchParams({ wait: 'true' }),
                ...(reply.ephemeral && { flags: 64 }),
              }),
        );
        useToken = message !== undefined;
      }
      message ??= await send('post', Routes.channelMessages(place), inChannel(destination, data));
      posted.push(message);
    }
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
    const [first] = posted;
    const thread =
      first && reply.threadName && !destination.threadId && destination.guildId && reply.kind !== 'error'
        ? await startThread(first, reply.threadName)
        : undefined;
    return {
      messageKeys: posted.map((message) => messageKey(message.channel_id, message.id)),
      ...(thread && { threadKey: threadKey(thread) }),
    };
  }

  async function startThread(message: PostedMessage, name: string): Promise<string | undefined> {
    try {
      const answer = await rest.post(Routes.threads(message.channel_id, message.id), {
        body: { name: name.slice(0, 100), auto_archive_duration: ThreadAutoArchiveDuration.OneDay },
      });
      return z.object({ id: z.string() }).parse(answer).id;
    } catch (error) {
      logger.warn('Discord: could not start a thread', { error: describeError(error) });
      return undefined;
    }
  }

  return {
    platform: 'discord',
    async deliver(destination, reply, step) {
      if (progressSteps.includes(step)) {
        await deliverProgress(destination, reply, step);
        return { messageKeys: [] };
      }
      return deliverOutcome(destination, reply);
    },
  };
}
