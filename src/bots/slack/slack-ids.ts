/** Platform-qualified keys the brain stores; Slack's own ids stay inside this folder. */

/** `slack:<team>:<user>`: user ids are only unique within a workspace. */
export const userKey = (team: string, user: string): string => `slack:${team}:${user}`;

export const channelKey = (channel: string): string => `slack:${channel}`;

/** A message, or the thread that message starts: `slack:<channel>:<ts>`. */
export const messageKey = (channel: string, ts: string): string => `slack:${channel}:${ts}`;

/**
 * A browser link to a message: Slack's archive permalink (`/archives/<channel>/p<ts without the dot>`) opens it
 * in the workspace the reader is signed in to.
 */
export const messageUrl = (channel: string, ts: string): string =>
  `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;

/** Slack's user id out of `slack:<team>:<user>`, for a reply that may ping its requester. */
export function slackUserOf(key: string): string | undefined {
  const match = /^slack:[^:]+:([UW][A-Z0-9]+)$/.exec(key);
  return match?.[1];
}
