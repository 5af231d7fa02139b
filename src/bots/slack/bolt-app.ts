import { App as BoltApp, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger } from '../../core/logger.js';
import type { SlackConfig } from './access.js';
import type { AckGate } from './ack-gate.js';
import { boltLevel, boltLogger } from './bolt-logger.js';
import { leanFetch } from './lean-fetch.js';
import { createSignedReceiver, type SignedReceiverOptions } from './signed-receiver.js';
import { checkBotToken } from './start-up-check.js';

export interface BoltAppOptions {
  slack: SlackConfig;
  logger: Logger;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The Web API client's retries; default five in five minutes (429s wait for Retry-After). */
  retryConfig?: webApi.RetryOptions;
  /** HTTP mode: counts the requests waiting for their ack. */
  ackGate?: AckGate;
  /** HTTP mode: other pages on Slack's PORT (the team board). */
  otherRoutes?: SignedReceiverOptions['otherRoutes'];
  /** HTTP mode: slash commands claimed and acked right after their signature check. */
  earlyCommandAck?: SignedReceiverOptions['earlyCommandAck'];
}

export interface SlackApp {
  bolt: BoltApp;
  /** Socket Mode: whether the socket to Slack is open now (undefined in HTTP mode). */
  socketOpen?: () => boolean;
}

/** WebSocket.OPEN. */
const socketOpenState = 1;

/**
 * Bolt in HTTP mode (signed requests on /slack/events, through `createSignedReceiver`), or Socket Mode when an
 * app token is set. The Web API client talks to `slack.apiUrl`. The bot token is checked here (auth.test), so a
 * bad token, an unreachable SLACK_API_URL or a strange answer stops start-up with one clear line.
 */
export async function createBoltApp(options: BoltAppOptions): Promise<SlackApp> {
  const { slack } = options;
  const { botId, botUserId, botName, workspace } = await checkBotToken(
    slack,
    options.logger,
    options.logLevel,
  );
  options.logger.info('Slack: bot token accepted', { bot: botName, workspace });
  const level = boltLevel(options.logLevel);
  // Always explicit: Socket Mode would otherwise set its own 100-retry policy on these shared options.
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: slack.apiUrl,
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
    // Also what Bolt's `respond` posts to a response_url with.
    fetch: leanFetch,
  };
  const logger = boltLogger(options.logger, level);
  // Made here (Bolt would make the same) so that readiness can ask its client whether the socket is open.
  const socket =
    slack.appToken === undefined
      ? undefined
      : new SocketModeReceiver({
          appToken: slack.appToken,
          logger,
          logLevel: level,
          installerOptions: { clientOptions },
        });
  const transport =
    socket !== undefined
      ? { socketMode: true, appToken: slack.appToken, receiver: socket }
      : {
          receiver: createSignedReceiver({
            signingSecret: slack.signingSecret ?? '',
            logger: options.logger,
            boltLogger: logger,
            ...(options.ackGate && { ackGate: options.ackGate }),
            ...(options.otherRoutes && { otherRoutes: options.otherRoutes }),
            ...(options.earlyCommandAck && { earlyCommandAck: options.earlyCommandAck }),
          }),
        };
  // The ids come from the check above, so Bolt asks auth.test nothing more.
  const bolt = new BoltApp({
    token: slack.botToken,
    botId,
    botUserId,
    tokenVerificationEnabled: false,
    // Bolt's own conversation store would look up and keep every event's channel in memory before the ack;
    // threads and conversations live in our store.
    convoStore: false,
    ...transport,
    clientOptions,
    logger,
    logLevel: level,
  });
  return socket === undefined
    ? { bolt }
    : { bolt, socketOpen: () => socket.client.websocket?.readyState === socketOpenState };
}
