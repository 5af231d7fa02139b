import { type APIInteractionGuildMember, GuildMember } from 'discord.js';
import type { Config } from '../../config.js';

export type AccessRules = Pick<
  NonNullable<Config['discord']>,
  'allowedGuilds' | 'allowedChannels' | 'allowedRoles' | 'adminRoles'
>;

/** Where an event happened and who sent it, in Discord's ids. */
export interface Place {
  guildId: string | null;
  channelId: string;
  /** The thread's parent channel, when `channelId` is a thread. */
  parentId: string | null;
  roleIds: readonly string[];
}

export type AccessDecision = { allowed: true; isAdmin: boolean } | { allowed: false; reason: string };

/** Config lists (empty = anyone): allowed guilds, channels (a thread counts as its parent), roles; admin roles. */
export function decideAccess(rules: AccessRules, place: Place): AccessDecision {
  const isAdmin = place.roleIds.some((role) => rules.adminRoles.includes(role));
  if (rules.allowedGuilds.length > 0 && !rules.allowedGuilds.includes(place.guildId ?? '')) {
    return { allowed: false, reason: 'This bot is not enabled in this server.' };
  }
  const channels = [place.channelId, place.parentId].filter((id): id is string => id !== null);
  if (rules.allowedChannels.length > 0 && !channels.some((id) => rules.allowedChannels.includes(id))) {
    return { allowed: false, reason: 'This bot is not enabled in this channel; try one where it is.' };
  }
  if (
    rules.allowedRoles.length > 0 &&
    !isAdmin &&
    !place.roleIds.some((role) => rules.allowedRoles.includes(role))
  ) {
    return { allowed: false, reason: 'You need one of the roles this bot is enabled for to use it.' };
  }
  return { allowed: true, isAdmin };
}

/** Role ids of a member, whether discord.js made a GuildMember or left the raw API object. */
export function memberRoleIds(member: GuildMember | APIInteractionGuildMember | null | undefined): string[] {
  if (!member) return [];
  if (member instanceof GuildMember) return [...member.roles.cache.keys()];
  return [...member.roles];
}
