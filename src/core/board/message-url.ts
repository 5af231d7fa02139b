import type { Destination } from '../jobs/destination.js';

/**
 * A browser link to a posted message, from the brain's message key (`discord:<channel>:<message>`,
 * `slack:<channel>:<ts>`) and the job's destination (Discord needs the guild). Slack's archive permalink
 * (`/archives/<channel>/p<ts without the dot>`) opens the message in the workspace the reader is signed in to.
 */
export function messageUrlOf(messageKey: string, destination: Destination | undefined): string | undefined {
  const [platform, channel, id] = messageKey.split(':');
  if (!channel || !id) return undefined;
  if (platform === 'discord') {
    const guild = destination?.platform === 'discord' ? (destination.guildId ?? '@me') : '@me';
    return `https://discord.com/channels/${guild}/${channel}/${id}`;
  }
  if (platform === 'slack' && /^\d+\.\d+$/.test(id)) {
    return `https://slack.com/archives/${channel}/p${id.replace('.', '')}`;
  }
  return undefined;
}
