import { Events, Status } from 'discord.js';
import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import { ImagineError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { discordFilePolicy } from './attachments.js';
import type { BotClock, DiscordBot } from './bot.js';
import { createClient, login } from './client.js';
import { describeError } from './discord-errors.js';
import { handleInteraction } from './interactions.js';
import { handleMessage } from './messages.js';
import { starReaction } from './reactions.js';
import { discordRestOutlet } from './rest-outlet-for.js';

export { commandDefinitions } from './command-definitions.js';

/** Long enough to outlive any redelivery of one event. */
const claimTtlMs = 60 * 60 * 1000;

export interface DiscordBotOptions {
  app: App;
  config: Config;
  logger?: Logger;
  /** Test seam: a clock to move past the 15-minute interaction deadline. */
  clock?: BotClock;
  /** At most one progress edit per this many milliseconds (default 2 s). */
  progressIntervalMs?: number;
  /** How long `stop()` waits for answers in progress before disconnecting (default 10 s). */
  stopGraceMs?: number;
}

export interface DiscordBotHandle {
  /** Resolves once every event being handled has been answered (tests wait on it; so does `stop`). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Connects to Discord's gateway (the REST base is `config.discord.apiUrl`, the gateway URL comes from
 * `GET /gateway/bot`) and serves slash commands, buttons, modals, autocomplete and thread messages until stopped.
 */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBotHandle> {
  const discord = options.config.discord;
  if (!discord) {
    throw new ImagineError(
      'config',
      'DISCORD_TOKEN and DISCORD_APPLICATION_ID are required to run the Discord bot.',
    );
  }
  const logger = (options.logger ?? options.app.logger).child({ frontEnd: 'discord' });
  const { client, messageContent } = await createClient(discord, logger);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const bot: DiscordBot = {
    client,
    brain: options.app.brain,
    rules: discord,
    downloads: options.app.downloads,
    filePolicy: discordFilePolicy(discord.apiUrl),
    clock: options.clock ?? { now: () => Date.now() },
    logger,
    progressIntervalMs: options.progressIntervalMs ?? 2000,
    messageContent,
  };
  // Nothing a handler does may crash the bot: failures are logged, users got their message where one was possible.
  const track = (what: string, work: () => Promise<void>) => {
    if (stopping) return;
    const running = work()
      .catch((error: unknown) => logger.error(`Discord: ${what} failed`, { error: describeError(error) }))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };
  // Several bot processes on one token all receive every event: the one that claims it in the shared store answers.
  const firstToClaim = (kind: string, id: string) =>
    bot.brain.claimEvent(`discord-${kind}:${id}`, claimTtlMs);
  client.on(Events.InteractionCreate, (interaction) =>
    track('an interaction', async () => {
      if (await firstToClaim('interaction', interaction.id)) await handleInteraction(bot, interaction);
    }),
  );
  client.on(Events.MessageCreate, (message) =>
    track('a message', async () => {
      if (await firstToClaim('message', message.id)) await handleMessage(bot, message);
    }),
  );
  // ⭐ on a result: a favourite on the team board. Every shard process sees only its guilds' reactions.
  client.on(Events.Raw, (packet: unknown) => {
    const reaction = starReaction(packet);
    if (reaction === undefined) return;
    track('a reaction', async () => {
      await bot.brain.favouriteMessage(reaction.messageKey, reaction.userId, reaction.on);
    });
  });
  // Jobs post their own replies (from this process or any other) through this client's REST.
  options.app.useOutlet(
    discordRestOutlet(discord, logger, { now: () => bot.clock.now(), events: options.app.services.events }),
    {
      progressIntervalMs: bot.progressIntervalMs,
      now: () => bot.clock.now(),
    },
  );
  client.on(Events.Error, (error) => logger.error('Discord: client error', { error: describeError(error) }));
  client.on(Events.Warn, (message) => logger.warn('Discord: client warning', { message }));
  await login(client, discord.token, logger);
  // The client stays "ready" while a shard reconnects: every shard must be ready too.
  options.app.readiness.add('discord', () =>
    client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready)
      ? undefined
      : 'gateway not connected',
  );
  // Answered means the jobs they queued have posted their outcome too.
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await options.app.jobDelivery.idle();
  };
  return {
    idle,
    async stop() {
      stopping = true;
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, options.stopGraceMs ?? 10_000).unref(),
      );
      await Promise.race([idle(), grace]);
      await client.destroy();
      logger.info('Discord: disconnected');
    },
  };
}
