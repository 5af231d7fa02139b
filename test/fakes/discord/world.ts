import { type StoredFile, snowflakes } from './fake-state.js';
import {
  type AttachmentObject,
  type ChannelObject,
  type FakeUser,
  type MessageObject,
  messageObject,
  roleObject,
  textChannel,
  threadChannel,
} from './payloads.js';

export const applicationId = '1100000000000000001';
export const guildId = '1200000000000000001';
export const generalChannelId = '1300000000000000001';
export const otherChannelId = '1300000000000000002';
export const artistRoleId = '1210000000000000001';
export const adminRoleId = '1210000000000000002';

export const botUser: FakeUser = { id: applicationId, username: 'imagine-bot', bot: true };

/** GatewayMessageContent (1 << 19): the privileged intent is enabled for this application. */
export const messageContentFlag = 1 << 19;

/** The guild, its channels and threads, every message and file: what a Discord server holds. */
export class DiscordWorld {
  baseUrl = '';
  applicationFlags = messageContentFlag;
  readonly channels = new Map<string, ChannelObject>();
  readonly messages = new Map<string, MessageObject>();
  readonly cdn = new Map<string, StoredFile>();
  /** Interaction token → the id of its original response message. */
  readonly originals = new Map<string, string>();
  readonly newMessageId = snowflakes(1_600_000_000_000_000_000n);
  readonly newUserObjectId = snowflakes(1_500_000_000_000_000_000n);
  readonly newInteractionId = snowflakes(1_700_000_000_000_000_000n);
  readonly newAttachmentId = snowflakes(1_900_000_000_000_000_000n);

  constructor() {
    this.channels.set(generalChannelId, textChannel(generalChannelId, guildId, 'general'));
    this.channels.set(otherChannelId, textChannel(otherChannelId, guildId, 'random'));
  }

  guildCreate() {
    const all = [...this.channels.values()];
    return {
      id: guildId,
      name: 'Test',
      unavailable: false,
      owner_id: '1400000000000000099',
      joined_at: '2026-01-01T00:00:00Z',
      member_count: 3,
      features: [],
      roles: [
        roleObject(guildId, '@everyone', 0),
        roleObject(artistRoleId, 'artists', 1),
        roleObject(adminRoleId, 'bot admins', 2),
      ],
      members: [],
      // Real Discord lists the active threads here, so a restarted bot knows the threads it made.
      threads: all.filter((channel) => channel.type === 11),
      emojis: [],
      stickers: [],
      channels: all.filter((channel) => channel.type !== 11),
    };
  }

  /** Serves bytes under `/cdn/<path>` and returns the absolute URL. */
  storeFile(path: string, bytes: Buffer, contentType: string): string {
    this.cdn.set(path, { bytes, contentType });
    return `${this.baseUrl}/cdn/${path}`;
  }

  attachment(messageId: string, name: string, bytes: Buffer, contentType: string): AttachmentObject {
    const id = this.newAttachmentId();
    const url = this.storeFile(`attachments/${messageId}/${id}/${name}`, bytes, contentType);
    return { id, filename: name, size: bytes.length, content_type: contentType, url, proxy_url: url };
  }

  /** Where a message is posted: the guild text channel or a thread in it. */
  parentOf(channelId: string): string {
    return this.channels.get(channelId)?.parent_id ?? channelId;
  }

  addMessage(fields: Parameters<typeof messageObject>[0]): MessageObject {
    const message = messageObject(fields);
    this.messages.set(message.id, message);
    return message;
  }

  /** A thread on a message: Discord gives it the message's id. */
  addThread(messageId: string, parentId: string, name: string, ownerId: string): ChannelObject {
    const thread = threadChannel({ id: messageId, guildId, parentId, name, ownerId });
    this.channels.set(thread.id, thread);
    return thread;
  }

  threads(): ChannelObject[] {
    return [...this.channels.values()].filter((channel) => channel.type === 11);
  }
}
