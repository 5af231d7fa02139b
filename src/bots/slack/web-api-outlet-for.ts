import { webApi } from '@slack/bolt';
import type { ReplyOutlet } from '../../commands/delivery.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../core/logger.js';
import type { JobEvents } from '../../core/observe/job-events.js';
import type { Store } from '../../core/store/store.js';
import type { SlackDestination } from './destination.js';
import { leanFetch } from './lean-fetch.js';
import { createSlackWebApiOutlet } from './web-api-outlet.js';

/** The outlet with a Web API client of its own, for a process that runs no Slack front end (a worker). */
export function slackWebApiOutlet(
  slack: NonNullable<Config['slack']>,
  store: Store,
  logger: Logger,
  events?: Pick<JobEvents, 'platformError'>,
): ReplyOutlet<SlackDestination> {
  const client = new webApi.WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
    fetch: leanFetch,
  });
  return createSlackWebApiOutlet({ client, store, logger, fetch: leanFetch, ...(events && { events }) });
}
