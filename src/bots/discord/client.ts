import {
  ApplicationFlags,
  Client,
  type ClientOptions,
  DefaultRestOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  REST,
  RESTJSONErrorCodes,
  type RESTOptions,
  Routes,
} from 'discord.js';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { ImagineError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { unexpectedAnswer, unreachable } from '../../core/start-up-errors.js';

type DiscordConfig = NonNullable<Config['discord']>;

/**
 * Requests through Node's own fetch. @discordjs/rest's default hands a FormData body (every file upload) to the
 * process-wide undici dispatcher, and when our undici 7 created that dispatcher first it cannot read the FormData
 * of the undici that @discordjs/rest bundles: uploads fail with "action is not a function".
 */
export const makeRequest: RESTOptions['makeRequest'] = (url, init) => fetch(url, init);

/** REST settings shared by the client and `imagine-bot register discord`. */
export const restOptions = (apiUrl: string): Partial<RESTOptions> => ({ api: apiUrl, makeRequest });

/** The URL a REST route is requested at, for messages (`http://…/api/v10/applications/@me`). */
export const restUrl = (apiUrl: string, route: string) => `${apiUrl}/v${DefaultRestOptions.version}${route}`;

const applicationSchema = z.object({ id: z.string(), flags: z.number().int().default(0) });

/** The privileged intent is on for this application (fully, or "limited" for bots under 100 servers). */
function hasMessageContent(flags: number): boolean {
  return (
    (flags & ApplicationFlags.GatewayMessageContent) !== 0 ||
    (flags & ApplicationFlags.GatewayMessageContentLimited) !== 0
  );
}

/**
 * DISCORD_SHARDS / DISCORD_SHARD_IDS as discord.js takes them: `auto` asks `GET /gateway/bot` for the count and runs
 * every shard; ids of a count run only those (other processes run the rest). Unset: its one shard, as before.
 */
export function shardOptions(shards: DiscordConfig['shards']): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (shards === undefined) return {};
  if (shards === 'auto') return { shards: 'auto' };
  return { shards: shards.ids, shardCount: shards.count };
}

/** One line naming what to fix when Discord cannot be used at start-up; other errors are returned unchanged. */
export function startUpError(error: unknown, url: string): unknown {
  if (error instanceof ImagineError) return error;
  const refused =
    error instanceof DiscordAPIError &&
    (error.status === 401 || error.code === RESTJSONErrorCodes.Unauthorized);
  // discord.js names a token the gateway closed on (4004) TokenInvalid.
  if (refused || (error instanceof Error && Reflect.get(error, 'code') === 'TokenInvalid')) {
    const status = error instanceof DiscordAPIError ? `HTTP ${error.status}` : 'invalid token';
    return new ImagineError(
      'config',
      `DISCORD_TOKEN was refused by Discord (${status}); copy the bot token again from the Developer Portal.`,
      { option: 'DISCORD_TOKEN', cause: error },
    );
  }
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    return new ImagineError('upstream', `${url} answered HTTP ${error.status}; check DISCORD_API_URL.`, {
      status: error.status,
      cause: error,
    });
  }
  if (error instanceof z.ZodError) return unexpectedAnswer(url, error, 'DISCORD_API_URL');
  return unreachable(url, error, 'DISCORD_API_URL') ?? error;
}

/**
 * A client for the configured REST base. Asking for the Message Content intent without having it enabled closes
 * the gateway (4014), so the application's flags decide whether we ask.
 */
export async function createClient(
  discord: DiscordConfig,
  logger: Logger,
): Promise<{ client: Client; messageContent: boolean }> {
  const rest = new REST(restOptions(discord.apiUrl)).setToken(discord.token);
  let flags: number;
  try {
    flags = applicationSchema.parse(await rest.get(Routes.currentApplication())).flags;
  } catch (error) {
    throw startUpError(error, restUrl(discord.apiUrl, Routes.currentApplication()));
  }
  const messageContent = hasMessageContent(flags);
  if (!messageContent) {
    logger.warn(
      'Discord: the Message Content intent is not enabled for this application; slash commands, buttons and ' +
        'messages that mention the bot still work, but plain replies in result threads are not seen. Enable it ' +
        'under Bot → Privileged Gateway Intents to edit by replying.',
    );
  }
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      // ⭐ reactions mark favourites on the team board (not privileged).
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.DirectMessageReactions,
      ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    rest: restOptions(discord.apiUrl),
    ...shardOptions(discord.shards),
    allowedMentions: { parse: [], repliedUser: false },
  });
  return { client, messageContent };
}

/** Logs in and resolves once the client is ready (guilds received). */
export async function login(client: Client, token: string, logger: Logger): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
  } catch (error) {
    await client.destroy();
    throw startUpError(error, restUrl(client.rest.options.api, Routes.gatewayBot()));
  }
  await ready;
  logger.info('Discord: connected', {
    user: client.user?.tag,
    guilds: client.guilds.cache.size,
    shards: client.options.shards,
    shardCount: client.options.shardCount,
  });
}
