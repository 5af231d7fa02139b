import { randomBytes } from 'node:crypto';
import {
  type AttachmentObject,
  commandOption,
  type FakeUser,
  type MessageObject,
  memberObject,
  type OptionValue,
  optionTypes,
} from './payloads.js';
import type { SentInteraction } from './rest-routes.js';
import { applicationId, botUser, type DiscordWorld, generalChannelId } from './world.js';

export interface UploadedFile {
  name: string;
  bytes: Buffer;
  contentType: string;
  /** Where the attachment claims to be, instead of the fake's /cdn/ (nothing is served there by the fake). */
  url?: string;
  /** The size the attachment declares, instead of its length. */
  size?: number;
}

interface Where {
  user: FakeUser;
  /** Default: #general. */
  channelId?: string;
  /** Discord's per-interaction upload limit (default 10 MiB). */
  attachmentSizeLimit?: number;
}

export interface FakeDiscordEvents {
  /** `/name option:value …`, attachments as `image: {…}` (type 11 options resolved to /cdn/ URLs). */
  slashCommand(
    input: Where & {
      name: string;
      options?: Record<string, OptionValue>;
      attachments?: Record<string, UploadedFile>;
    },
  ): SentInteraction;
  autocomplete(
    input: Where & { name: string; options: Record<string, OptionValue>; focused: string },
  ): SentInteraction;
  pressButton(input: Where & { customId: string; messageId: string }): SentInteraction;
  submitModal(
    input: Where & { customId: string; fields: Record<string, string>; messageId?: string },
  ): SentInteraction;
  /** A message context command ("Edit with imagine") on `targetMessageId`. */
  messageCommand(input: Where & { name: string; targetMessageId: string }): SentInteraction;
  /** A user posts a message (MESSAGE_CREATE); it is kept so the bot can fetch it. */
  userMessage(input: {
    author: FakeUser;
    channelId: string;
    content?: string;
    attachments?: UploadedFile[];
    /** Discord's reply: the message this one answers. */
    replyTo?: string;
    mentionsBot?: boolean;
  }): MessageObject;
  /** A thread a user started (THREAD_CREATE), not one of the bot's. */
  userThread(input: { parentId: string; name: string; owner: FakeUser }): string;
}

export function createEvents(
  world: DiscordWorld,
  interactions: Map<string, SentInteraction>,
  dispatch: (type: string, data: unknown) => void,
): FakeDiscordEvents {
  function interaction(type: number, where: Where, data: unknown, extra: Record<string, unknown> = {}) {
    const channelId = where.channelId ?? generalChannelId;
    const sent: SentInteraction = {
      id: world.newInteractionId(),
      token: `itok-${randomBytes(12).toString('hex')}`,
      channelId,
      callbacks: 0,
    };
    interactions.set(sent.token, sent);
    const guildId = world.guildOf(channelId);
    dispatch('INTERACTION_CREATE', {
      id: sent.id,
      application_id: applicationId,
      type,
      token: sent.token,
      version: 1,
      guild_id: guildId,
      channel_id: channelId,
      channel: world.channels.get(channelId),
      member: memberObject(where.user, true),
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: where.attachmentSizeLimit ?? 10 * 1024 * 1024,
      data,
      ...extra,
    });
    return sent;
  }

  function commandData(name: string, options: Record<string, OptionValue>, focused?: string) {
    return {
      id: world.newInteractionId(),
      name,
      type: 1,
      options: Object.entries(options).map(([key, value]) => commandOption(key, value, key === focused)),
    };
  }

  return {
    slashCommand(input) {
      const attachments: Record<string, AttachmentObject> = {};
      const attachmentOptions = Object.entries(input.attachments ?? {}).map(([name, file]) => {
        const id = world.newAttachmentId();
        const url =
          file.url ??
          world.storeFile(`ephemeral-attachments/${id}/${file.name}`, file.bytes, file.contentType);
        attachments[id] = {
          id,
          filename: file.name,
          size: file.size ?? file.bytes.length,
          content_type: file.contentType,
          url,
          proxy_url: url,
        };
        return { name, type: optionTypes.attachment, value: id };
      });
      const data = commandData(input.name, input.options ?? {});
      return interaction(2, input, {
        ...data,
        options: [...data.options, ...attachmentOptions],
        ...(attachmentOptions.length > 0 && { resolved: { attachments } }),
      });
    },
    autocomplete(input) {
      return interaction(4, input, commandData(input.name, input.options, input.focused));
    },
    pressButton(input) {
      const message = world.messages.get(input.messageId);
      if (!message) throw new Error(`No message ${input.messageId} to press a button on.`);
      return interaction(
        3,
        { ...input, channelId: input.channelId ?? message.channel_id },
        { custom_id: input.customId, component_type: 2 },
        { message },
      );
    },
    submitModal(input) {
      const message = input.messageId ? world.messages.get(input.messageId) : undefined;
      const components = Object.entries(input.fields).map(([customId, value], index) => ({
        type: 18,
        id: index * 2 + 1,
        component: { type: 4, id: index * 2 + 2, custom_id: customId, value },
      }));
      return interaction(
        5,
        { ...input, channelId: input.channelId ?? message?.channel_id ?? generalChannelId },
        { custom_id: input.customId, components },
        message ? { message } : {},
      );
    },
    messageCommand(input) {
      const target = world.messages.get(input.targetMessageId);
      if (!target) throw new Error(`No message ${input.targetMessageId} to run a command on.`);
      return interaction(
        2,
        { ...input, channelId: input.channelId ?? target.channel_id },
        {
          id: world.newInteractionId(),
          name: input.name,
          type: 3,
          target_id: target.id,
          resolved: { messages: { [target.id]: target } },
        },
      );
    },
    userMessage(input) {
      const id = world.newUserObjectId();
      const message = world.addMessage({
        id,
        channelId: input.channelId,
        guildId: world.guildOf(input.channelId),
        author: input.author,
        content: input.content ?? '',
        attachments: (input.attachments ?? []).map((file) => {
          const attachment = world.attachment(id, file.name, file.bytes, file.contentType);
          return {
            ...attachment,
            ...(file.url && { url: file.url, proxy_url: file.url }),
            ...(file.size !== undefined && { size: file.size }),
          };
        }),
        ...(input.mentionsBot && { mentions: [botUser] }),
        ...(input.replyTo && { reference: input.replyTo }),
      });
      const parent = world.channels.get(input.channelId);
      dispatch('MESSAGE_CREATE', {
        ...message,
        channel_type: parent?.type ?? 0,
        member: memberObject(input.author, false),
        ...(input.replyTo && { referenced_message: world.messages.get(input.replyTo) ?? null }),
      });
      return message;
    },
    userThread(input) {
      const starter = world.newUserObjectId();
      const thread = world.addThread(starter, input.parentId, input.name, input.owner.id);
      dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return thread.id;
    },
  };
}
