import type { Server } from 'node:http';
import type { webApi } from '@slack/bolt';
import type { App } from '../../app.js';
import { boardRoutesOnSlackPort } from '../../board/board-for-app.js';
import type { Config } from '../../config.js';
import { ImagineError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createAccessPolicy } from './access.js';
import { createAckGate, noAckGate } from './ack-gate.js';
import { createBoltApp } from './bolt-app.js';
import { dedupeEvents, dedupeSignedDeliveries, signedDeliveryClaim } from './dedupe.js';
import type { SlackDeps } from './deps.js';
import { slackFilePolicy } from './download-files.js';
import { leanFetch } from './lean-fetch.js';
import { registerListeners } from './listeners/index.js';
import { slashCommandName } from './listeners/slash-command.js';
import { slackStartUpError } from './start-up-check.js';
import { createSlackWebApiOutlet } from './web-api-outlet.js';

export interface SlackBotOptions {
  app: App;
  config: Config;
  /** Default: the app's logger. */
  logger?: Logger;
  /** Time for progress throttling; default the system clock. */
  clock?: { now(): number };
  /** HTTP mode: the interface to listen on (default all, so Slack can reach it). */
  host?: string;
  /** Test seam: the Web API client's retry policy (tests that expect a failure use `{ retries: 0 }`). */
  retryConfig?: webApi.RetryOptions;
  /** The least time between two progress edits of one message; default 3 s. */
  progressIntervalMs?: number;
}

export interface SlackBot {
  /** HTTP mode: the server answering /slack/events (its port when PORT=0). */
  server?: Server;
  stop(): Promise<void>;
}

const defaultProgressIntervalMs = 3000;

function listenError(error: unknown, port: number): unknown {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  if (code === 'EADDRINUSE') {
    return new ImagineError('config', `PORT ${port} is already in use.`, { option: 'PORT', cause: error });
  }
  if (typeof code === 'string') {
    return new ImagineError('config', `could not listen on PORT ${port} (${code}).`, {
      option: 'PORT',
      cause: error,
    });
  }
  return error;
}

/**
 * Starts the Slack front end on a ready app (`createApp`): HTTP mode on PORT, or Socket Mode when
 * SLACK_APP_TOKEN is set. Resolves once Slack can reach it; `stop()` disconnects.
 */
export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const { app, config } = options;
  const slack = config.slack;
  if (!slack) {
    throw new ImagineError(
      'config',
      'Slack is not configured: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN).',
    );
  }
  const logger = (options.logger ?? app.logger).child({ frontEnd: 'slack' });
  const clock = options.clock ?? { now: () => Date.now() };
  const ackGate = slack.appToken === undefined ? createAckGate() : noAckGate;
  const otherRoutes = slack.appToken === undefined ? boardRoutesOnSlackPort(app, config, logger) : undefined;
  const access = createAccessPolicy(slack, config.adminIds);
  const { bolt, socketOpen } = await createBoltApp({
    slack,
    logger,
    ackGate,
    ...(otherRoutes && { otherRoutes }),
    earlyCommandAck: {
      command: slashCommandName,
      claimDelivery: signedDeliveryClaim(app.brain, logger),
      access,
      afterAcks: () => ackGate.afterAcks(),
    },
    logLevel: config.logLevel,
    ...(options.retryConfig && { retryConfig: options.retryConfig }),
  });
  const deps: SlackDeps = {
    brain: app.brain,
    access,
    logger,
    downloads: app.downloads,
    filePolicy: slackFilePolicy(slack.botToken, slack.apiUrl),
    now: () => clock.now(),
    progressIntervalMs: options.progressIntervalMs ?? defaultProgressIntervalMs,
    afterAcks: () => ackGate.afterAcks(),
  };
  // Events first: a Slack retry of an event is a duplicate event, not a replay, whatever its signature.
  bolt.use(dedupeEvents(app.brain, logger));
  bolt.use(dedupeSignedDeliveries(app.brain, logger));
  registerListeners(bolt, deps);
  // Jobs post their own replies (from this process or any other): through this app's Web API client.
  app.useOutlet(
    createSlackWebApiOutlet({
      client: bolt.client,
      store: app.store,
      logger,
      fetch: leanFetch,
      events: app.services.events,
    }),
    {
      progressIntervalMs: deps.progressIntervalMs,
      now: deps.now,
    },
  );
  bolt.error(async (error) => {
    logger.error('a Slack listener failed', { error });
  });

  if (socketOpen !== undefined) {
    try {
      await bolt.start();
    } catch (error) {
      throw slackStartUpError(error, `${slack.apiUrl}apps.connections.open`, 'SLACK_APP_TOKEN');
    }
    app.readiness.add('slack', () => (socketOpen() ? undefined : 'Socket Mode connection not open'));
    logger.info('Slack bot connected (Socket Mode)');
    return { stop: () => bolt.stop().then(() => undefined) };
  }
  const listen = options.host === undefined ? { port: slack.port } : { port: slack.port, host: options.host };
  let server: Server;
  try {
    server = await bolt.start(listen);
  } catch (error) {
    throw listenError(error, slack.port);
  }
  app.readiness.add('slack', () => (server.listening ? undefined : 'not listening for events'));
  const address = server.address();
  logger.info('Slack bot listening for events on /slack/events', {
    port: typeof address === 'object' && address ? address.port : slack.port,
  });
  return { server, stop: () => bolt.stop().then(() => undefined) };
}
