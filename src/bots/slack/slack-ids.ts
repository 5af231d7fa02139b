/** Platform-qualified keys the brain stores; Slack's own ids stay inside this folder. */

/** `slack:<team>:<user>`: user ids are only unique within a workspace. */
export const userKey = (team: string, user: string): string => `slack:${team}:${user}`;

export const channelKey = (channel: string): string => `slack:${channel}`;

/** A message, or the thread that message starts: `slack:<channel>:<ts>`. */
export const messageKey = (channel: string, ts: string): string => `slack:${channel}:${ts}`;

/** Slack's user id out of `slack:<team>:<user>`, for a reply that may ping its requester. */
export function slackUserOf(key: string): string | undefined {
  const match = /^slack:[^:]+:([UW][A-Z0-9]+)$/.exec(key);
  return match?.[1];
}
