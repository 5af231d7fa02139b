import { type REST, Routes, ThreadAutoArchiveDuration } from 'discord.js';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { describeError, isMissingPermissions, isTooLarge, permissionText } from './discord-errors.js';
import type { MessageData } from './render-reply.js';
import { restMessage } from './rest-message.js';

const postedMessageSchema = z.object({ id: z.string(), channel_id: z.string() });
export type PostedMessage = z.infer<typeof postedMessageSchema>;

export interface SendOptions {
  auth?: false;
  query?: URLSearchParams;
  flags?: number;
  /** More body fields (a message_reference). */
  extra?: Record<string, unknown>;
}

/** The REST calls the outlet makes, with the gateway adapter's fallbacks (permissions, too large). */
export function createRestSender(rest: REST, logger: Pick<Logger, 'warn' | 'debug'>) {
  const send = async (
    method: 'post' | 'patch',
    route: `/${string}`,
    data: MessageData,
    options: SendOptions = {},
  ): Promise<PostedMessage> => {
    const { body, files } = restMessage(data);
    const answer = await rest[method](route, {
      body: { ...body, ...options.extra, ...(options.flags !== undefined && { flags: options.flags }) },
      files,
      ...(options.auth === false && { auth: false }),
      ...(options.query && { query: options.query }),
    });
    return postedMessageSchema.parse(answer);
  };

  /** A text-only edit or post (progress), as discord.js sends `editReply({ content })`: nothing else changes. */
  const sendText = async (
    method: 'post' | 'patch',
    route: `/${string}`,
    data: MessageData,
    options: SendOptions = {},
  ): Promise<PostedMessage> => {
    const { body } = restMessage({ ...data, files: [] });
    const answer = await rest[method](route, {
      body: { content: body.content, allowed_mentions: body.allowed_mentions },
      ...(options.auth === false && { auth: false }),
    });
    return postedMessageSchema.parse(answer);
  };

  return {
    send,
    sendText,
    /**
     * Posts; a missing permission or a file Discord finds too large becomes the text with a note saying so
     * (undefined when even that fails). Other errors are thrown.
     */
    async withFallback(
      data: MessageData,
      post: (data: MessageData) => Promise<PostedMessage>,
    ): Promise<PostedMessage | undefined> {
      try {
        return await post(data);
      } catch (error) {
        if (data.files.length === 0 || !(isMissingPermissions(error) || isTooLarge(error))) throw error;
        logger.warn('Discord: could not post a message', { error: describeError(error) });
        const note = isMissingPermissions(error)
          ? permissionText('Attach Files', 'upload the images')
          : '⚠ The images are larger than Discord accepts here, so they could not be uploaded.';
        const content = `${data.content.slice(0, 2000 - note.length - 1)}\n${note}`;
        return post({ ...data, content, files: [] }).catch((second: unknown) => {
          logger.warn('Discord: could not post the notice either', { error: describeError(second) });
          return undefined;
        });
      }
    },
    /** ⌛ off the user's message, `emoji` on. */
    async swapReaction(channelId: string, messageId: string, emoji: string): Promise<void> {
      const route = (name: string) =>
        Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(name));
      await rest.delete(route('⌛')).catch((error: unknown) => {
        logger.debug('Discord: could not remove a reaction', { error: describeError(error) });
      });
      await rest.put(route(emoji)).catch((error: unknown) => {
        logger.warn('Discord: could not add a reaction (Add Reactions permission?)', {
          error: describeError(error),
        });
      });
    },
    async startThread(message: PostedMessage, name: string): Promise<string> {
      const answer = await rest.post(Routes.threads(message.channel_id, message.id), {
        body: { name: name.slice(0, 100), auto_archive_duration: ThreadAutoArchiveDuration.OneDay },
      });
      return z.object({ id: z.string() }).parse(answer).id;
    },
    threadPermissionNotice(): MessageData {
      const content = `${permissionText('Create Public Threads', 'start a thread for this result')} Meanwhile, reply to the image to edit it.`;
      return { content, files: [], components: [], allowedMentions: { parse: [] } };
    },
  };
}
