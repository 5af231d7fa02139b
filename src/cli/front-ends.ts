import type { App } from '../app.js';
import type { Config } from '../config.js';
import type { CliIo } from './io.js';

/** A front end that is up: what to tell the user, and how to stop it. */
export interface RunningFrontEnd {
  /** One line for stdout once every front end is up. */
  readyText: string;
  stop(): Promise<void>;
}

/** A platform the bot can serve; `npm start` runs every one whose credentials are set. */
export interface FrontEnd {
  name: string;
  /** The variables that turn it on, as the start-up help names them. */
  variables: string;
  /** Any of these set means the user wants this front end (the config then names what is missing). */
  credentials: readonly string[];
  isConfigured(config: Config): boolean;
  /** Resolves once the platform can reach the bot; rejects with one line naming what to fix. */
  start(app: App, config: Config): Promise<RunningFrontEnd>;
}

/** Resolves on Ctrl-C or SIGTERM (a container stop). */
export function untilInterrupted(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stop();
      process.off('SIGTERM', done);
      resolve();
    };
    const stop = io.onInterrupt(done);
    process.once('SIGTERM', done);
  });
}

export const discordFrontEnd: FrontEnd = {
  name: 'Discord',
  variables: 'DISCORD_TOKEN and DISCORD_APPLICATION_ID',
  credentials: ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
  isConfigured: (config) => config.discord !== undefined,
  async start(app, config) {
    // Loaded only when configured: discord.js is a large import that Slack-only and CLI runs never need.
    const { startDiscordBot } = await import('../bots/discord/index.js');
    const bot = await startDiscordBot({ app, config, logger: app.logger });
    return { readyText: 'Discord bot connected.', stop: () => bot.stop() };
  },
};

export const slackFrontEnd: FrontEnd = {
  name: 'Slack',
  variables: 'SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP events) or with SLACK_APP_TOKEN (Socket Mode)',
  credentials: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'],
  isConfigured: (config) => config.slack !== undefined,
  async start(app, config) {
    const { startSlackBot } = await import('../bots/slack/index.js');
    const bot = await startSlackBot({ app, config, logger: app.logger });
    const mode = config.slack?.appToken
      ? 'Socket Mode'
      : `HTTP on port ${config.slack?.port} (/slack/events)`;
    return { readyText: `Slack bot running (${mode}).`, stop: () => bot.stop() };
  },
};

export const frontEnds: readonly FrontEnd[] = [discordFrontEnd, slackFrontEnd];
