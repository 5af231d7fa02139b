/** Gateway and REST objects in the shapes discord.js 14 accepts (platform-notes §1, §3). */

export const timestamp = '2026-01-01T00:00:00.000Z';

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
  /** Role ids this user has in the guild. */
  roles?: string[];
}

export function userObject(user: FakeUser) {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.bot ? null : user.username,
    avatar: null,
    ...(user.bot && { bot: true }),
  };
}

export function memberObject(user: FakeUser, withUser: boolean) {
  return {
    ...(withUser && { user: userObject(user) }),
    roles: user.roles ?? [],
    joined_at: timestamp,
    permissions: '0',
    deaf: false,
    mute: false,
    flags: 0,
  };
}

export interface AttachmentObject {
  id: string;
  filename: string;
  size: number;
  content_type: string;
  url: string;
  proxy_url: string;
  width?: number;
  height?: number;
  description?: string;
}

export interface MessageObject {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  content: string;
  author: ReturnType<typeof userObject>;
  attachments: AttachmentObject[];
  embeds: unknown[];
  mentions: ReturnType<typeof userObject>[];
  mention_roles: string[];
  pinned: boolean;
  mention_everyone: boolean;
  tts: boolean;
  timestamp: string;
  edited_timestamp: string | null;
  flags: number;
  components: unknown[];
  webhook_id?: string;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string };
  member?: ReturnType<typeof memberObject>;
}

export function messageObject(fields: {
  id: string;
  channelId: string;
  guildId: string;
  author: FakeUser;
  content?: string;
  attachments?: AttachmentObject[];
  components?: unknown[];
  flags?: number;
  webhookId?: string;
  mentions?: FakeUser[];
  reference?: string;
}): MessageObject {
  return {
    id: fields.id,
    channel_id: fields.channelId,
    guild_id: fields.guildId,
    type: fields.reference ? 19 : 0,
    content: fields.content ?? '',
    author: userObject(fields.author),
    attachments: fields.attachments ?? [],
    embeds: [],
    mentions: (fields.mentions ?? []).map(userObject),
    mention_roles: [],
    pinned: false,
    mention_everyone: false,
    tts: false,
    timestamp,
    edited_timestamp: null,
    flags: fields.flags ?? 0,
    components: fields.components ?? [],
    ...(fields.webhookId && { webhook_id: fields.webhookId }),
    ...(fields.reference && {
      message_reference: {
        message_id: fields.reference,
        channel_id: fields.channelId,
        guild_id: fields.guildId,
      },
    }),
  };
}

export interface ChannelObject {
  id: string;
  type: number;
  name: string;
  guild_id: string;
  parent_id?: string;
  position?: number;
  permission_overwrites?: unknown[];
  owner_id?: string;
  thread_metadata?: Record<string, unknown>;
  message_count?: number;
  member_count?: number;
  rate_limit_per_user?: number;
  flags?: number;
}

export function textChannel(id: string, guildId: string, name: string): ChannelObject {
  return { id, type: 0, name, guild_id: guildId, position: 0, permission_overwrites: [] };
}

export function threadChannel(fields: {
  id: string;
  guildId: string;
  parentId: string;
  name: string;
  ownerId: string;
}): ChannelObject {
  return {
    id: fields.id,
    type: 11,
    name: fields.name,
    guild_id: fields.guildId,
    parent_id: fields.parentId,
    owner_id: fields.ownerId,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: timestamp,
      locked: false,
    },
    message_count: 0,
    member_count: 1,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function roleObject(id: string, name: string, position: number) {
  return {
    id,
    name,
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: '0',
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

/** Option types of application commands (discord-api-types ApplicationCommandOptionType). */
export const optionTypes = { string: 3, integer: 4, boolean: 5, number: 10, attachment: 11 } as const;

export type OptionValue = string | number | boolean;

export function commandOption(name: string, value: OptionValue, focused = false) {
  const type =
    typeof value === 'string'
      ? optionTypes.string
      : typeof value === 'boolean'
        ? optionTypes.boolean
        : Number.isInteger(value)
          ? optionTypes.integer
          : optionTypes.number;
  return { name, type, value, ...(focused && { focused: true }) };
}
