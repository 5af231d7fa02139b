import type { ReplyOutlet } from '../commands/delivery.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import type { JobEvents } from '../core/observe/job-events.js';
import type { Store } from '../core/store/store.js';

/**
 * The REST-only outlets of every configured platform, for a process that delivers jobs without running their
 * front end (`imagine-bot worker`): a bot token and an API address are all they need. Loaded lazily.
 */
export async function platformOutlets(
  config: Config,
  store: Store,
  logger: Logger,
  events?: Pick<JobEvents, 'platformError'>,
): Promise<ReplyOutlet[]> {
  const outlets: ReplyOutlet[] = [];
  if (config.discord) {
    const { discordRestOutlet } = await import('./discord/rest-outlet-for.js');
    outlets.push(discordRestOutlet(config.discord, logger, events ? { events } : {}));
  }
  if (config.slack) {
    const { slackWebApiOutlet } = await import('./slack/web-api-outlet-for.js');
    outlets.push(slackWebApiOutlet(config.slack, store, logger, events));
  }
  return outlets;
}
