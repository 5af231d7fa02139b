import type { App } from '../app.js';
import { startDiscordBot } from '../bots/discord/index.js';
import { startSlackBot } from '../bots/slack/index.js';
import type { Config } from '../config.js';
import type { CliIo } from './io.js';

/** A platform the bot can serve; `npm start` runs every one whose credentials are set. */
export interface FrontEnd {
  name: string;
  /** The variables that turn it on, as the start-up help names them. */
  variables: string;
  isConfigured(env: NodeJS.ProcessEnv): boolean;
  /** Runs until the front end stops, then resolves with an exit code; absent while it is not built. */
  run?(app: App, config: Config, io: CliIo): Promise<number>;
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

const isSet = (env: NodeJS.ProcessEnv, name: string) => (env[name]?.trim() ?? '') !== '';

export const discordFrontEnd: FrontEnd = {
  name: 'Discord',
  variables: 'DISCORD_TOKEN and DISCORD_APPLICATION_ID',
  isConfigured: (env) => isSet(env, 'DISCORD_TOKEN') && isSet(env, 'DISCORD_APPLICATION_ID'),
  async run(app, config, io) {
    const bot = await startDiscordBot({ app, config, logger: app.logger });
    io.stdout('Discord bot connected. Ctrl-C stops it.\n');
    await untilInterrupted(io);
    await bot.stop();
    return 0;
  },
};

export const slackFrontEnd: FrontEnd = {
  name: 'Slack',
  variables: 'SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP events) or with SLACK_APP_TOKEN (Socket Mode)',
  isConfigured: (env) =>
    isSet(env, 'SLACK_BOT_TOKEN') && (isSet(env, 'SLACK_SIGNING_SECRET') || isSet(env, 'SLACK_APP_TOKEN')),
  async run(app, config, io) {
    const bot = await startSlackBot({ app, config, logger: app.logger });
    const mode = config.slack?.appToken
      ? 'Socket Mode'
      : `HTTP on port ${config.slack?.port} (/slack/events)`;
    io.stdout(`Slack bot running (${mode}). Ctrl-C stops it.\n`);
    await untilInterrupted(io);
    await bot.stop();
    return 0;
  },
};

export const frontEnds: readonly FrontEnd[] = [discordFrontEnd, slackFrontEnd];
