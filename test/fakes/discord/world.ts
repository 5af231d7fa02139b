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
/**
 * A guild for sharding tests, not in the world until `addGuild`: with 2 shards it is on shard 0, while `guildId`
 * is on shard 1 (`(id >> 22) % 2`).
 */
export const secondGuildId = '1230000000000000001';
export const secondGuildChannelId = '1330000000000000001';

export const botUser: FakeUser = { id: applicationId, username: 'imagine-bot', bot: true };

/** GatewayMessageContent (1 << 19): the privileged intent is enabled for this application. */
export const messageContentFlag = 1 << 19;

/** The shard a guild's events go to: `(guild_id >> 22) % count`; DMs (no guild) go to shard 0. */
export function shardOf(guild: string | undefined, count: number): number {
  if (guild === undefined) return 0;
  return Number((BigInt(guild) >> 22n) % BigInt(count));
}

/** The guilds, their channels and threads, every message and file: what Discord holds for the bot. */
export class DiscordWorld {
  baseUrl = '';
  applicationFlags = messageContentFlag;
  /** The shard count `GET /gateway/bot` recommends. */
  shards = 1;
  /** `session_start_limit.max_concurrency`: shards that may identify together (discord.js waits 5 s otherwise). */
  maxConcurrency = 1;
  /** Guild id → name; the first is "Test" with #general and #random. */
  readonly guilds = new Map<string, string>([[guildId, 'Test']]);
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

  /** Another guild the bot is in, with text channels `{ id: name }` (before the bot connects). */
  addGuild(id: string, name: string, channels: Record<string, string>): void {
    this.guilds.set(id, name);
    for (const [channelId, channelName] of Object.entries(channels)) {
      this.channels.set(channelId, textChannel(channelId, id, channelName));
    }
  }

  /** The guild a channel or thread is in. */
  guildOf(channelId: string): string {
    return this.channels.get(channelId)?.guild_id ?? guildId;
  }

  guildCreate(id = guildId) {
    const all = [...this.channels.values()].filter((channel) => channel.guild_id === id);
    // The first guild has the roles the access tests use; the others only @everyone.
    const roles =
      id === guildId
        ? [
            roleObject(guildId, '@everyone', 0),
            roleObject(artistRoleId, 'artists', 1),
            roleObject(adminRoleId, 'bot admins', 2),
          ]
        : [roleObject(id, '@everyone', 0)];
    return {
      id,
      name: this.guilds.get(id) ?? 'Unknown',
      unavailable: false,
      owner_id: '1400000000000000099',
      joined_at: '2026-01-01T00:00:00Z',
      member_count: 3,
      features: [],
      roles,
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
    const thread = threadChannel({ id: messageId, guildId: this.guildOf(parentId), parentId, name, ownerId });
    this.channels.set(thread.id, thread);
    return thread;
  }

  threads(): ChannelObject[] {
    return [...this.channels.values()].filter((channel) => channel.type === 11);
  }
}
