import type { Config } from '../../config.js';

export type SlackConfig = NonNullable<Config['slack']>;

/** Where a request comes from, in Slack's own ids. */
export interface SlackPlace {
  team: string;
  channel: string;
  user: string;
}

export interface AccessPolicy {
  allows(place: SlackPlace): boolean;
  /** Admins from SLACK_ADMIN_USERS and `slack:<user>` in ADMIN_IDS (the brain adds `slack:<team>:<user>` ones). */
  isAdmin(user: string): boolean;
}

export const refusalText =
  'Sorry, imagine-bot is not enabled here. Ask an admin to add this workspace, channel or user to its allowed list.';

/** An empty list allows everyone; a non-empty one allows only its members. */
export function createAccessPolicy(slack: SlackConfig, adminIds: readonly string[] = []): AccessPolicy {
  const within = (list: readonly string[], id: string) => list.length === 0 || list.includes(id);
  return {
    allows: (place) =>
      within(slack.allowedTeams, place.team) &&
      within(slack.allowedChannels, place.channel) &&
      within(slack.allowedUsers, place.user),
    isAdmin: (user) => slack.adminUsers.includes(user) || adminIds.includes(`slack:${user}`),
  };
}
