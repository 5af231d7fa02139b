import { App as BoltApp, webApi } from '@slack/bolt';
import { ImagineError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SlackConfig } from './access.js';
import { boltLevel, boltLogger } from './bolt-logger.js';
import { createSignedReceiver } from './signed-receiver.js';
import { slackErrorCode } from './slack-errors.js';

export interface BoltAppOptions {
  slack: SlackConfig;
  logger: Logger;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The Web API client's retries; default five in five minutes (429s wait for Retry-After). */
  retryConfig?: webApi.RetryOptions;
}

/**
 * Bolt in HTTP mode (signed requests on /slack/events, through `createSignedReceiver`), or Socket Mode when an
 * app token is set. The Web API client talks to `slack.apiUrl`. auth.test runs here, so a bad token stops
 * start-up with one clear line.
 */
export async function createBoltApp(options: BoltAppOptions): Promise<BoltApp> {
  const { slack } = options;
  const level = boltLevel(options.logLevel);
  // Always explicit: Socket Mode would otherwise set its own 100-retry policy on these shared options.
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: slack.apiUrl,
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  const logger = boltLogger(options.logger, level);
  const transport =
    slack.appToken !== undefined
      ? { socketMode: true, appToken: slack.appToken }
      : {
          receiver: createSignedReceiver({
            signingSecret: slack.signingSecret ?? '',
            logger: options.logger,
            boltLogger: logger,
          }),
        };
  const bolt = new BoltApp({
    token: slack.botToken,
    ...transport,
    clientOptions,
    logger,
    logLevel: level,
    deferInitialization: true,
  });
  try {
    await bolt.init();
  } catch (error) {
    const code = slackErrorCode(error);
    throw new ImagineError(
      'config',
      code === undefined
        ? `Could not reach Slack at ${slack.apiUrl} to check SLACK_BOT_TOKEN.`
        : `Slack refused SLACK_BOT_TOKEN (${code}): check the bot token (xoxb-…) and that the app is installed.`,
      { cause: error },
    );
  }
  return bolt;
}
