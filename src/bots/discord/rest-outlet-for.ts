import { REST } from 'discord.js';
import type { ReplyOutlet } from '../../commands/delivery.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../core/logger.js';
import type { JobEvents } from '../../core/observe/job-events.js';
import { restOptions } from './client.js';
import type { DiscordDestination } from './destination.js';
import { createDiscordRestOutlet } from './rest-outlet.js';

/**
 * The outlet with a REST client of its own (not the gateway client's): it keeps posting while the gateway
 * disconnects at shutdown, and runs in a process with no gateway at all.
 */
export function discordRestOutlet(
  discord: NonNullable<Config['discord']>,
  logger: Logger,
  extra: { now?: () => number; events?: Pick<JobEvents, 'platformError'> } = {},
): ReplyOutlet<DiscordDestination> {
  const rest = new REST(restOptions(discord.apiUrl)).setToken(discord.token);
  return createDiscordRestOutlet({ rest, logger, ...extra });
}
