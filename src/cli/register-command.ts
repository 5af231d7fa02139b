import { DiscordAPIError, REST, Routes } from 'discord.js';
import { z } from 'zod';
import { restOptions, restUrl, startUpError } from '../bots/discord/client.js';
import { commandDefinitions } from '../bots/discord/command-definitions.js';
import { loadConfig } from '../config.js';
import { ImagineError, invalidOption } from '../core/errors.js';
import { unexpectedAnswer } from '../core/start-up-errors.js';
import type { CliIo } from './io.js';

const registeredSchema = z.array(z.object({ name: z.string() }));

/**
 * `imagine-bot register discord`: PUTs the slash commands to one server (DISCORD_GUILD_ID: they appear at once)
 * or globally (they can take up to an hour). A separate step, never a side effect of starting the bot.
 */
export async function runRegister(argv: readonly string[], io: CliIo): Promise<number> {
  const [platform, ...extra] = argv;
  if (platform !== 'discord' || extra.length > 0) {
    throw invalidOption(
      'platform',
      'Usage: imagine-bot register discord (Slack commands are set in the app manifest).',
    );
  }
  const discord = loadConfig(io.env).discord;
  if (!discord) {
    throw new ImagineError(
      'config',
      'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the Discord commands.',
      {
        option: 'DISCORD_TOKEN',
      },
    );
  }
  const rest = new REST(restOptions(discord.apiUrl)).setToken(discord.token);
  const route = discord.guildId
    ? Routes.applicationGuildCommands(discord.applicationId, discord.guildId)
    : Routes.applicationCommands(discord.applicationId);
  let answer: unknown;
  try {
    answer = await rest.put(route, { body: commandDefinitions });
  } catch (error) {
    if (error instanceof DiscordAPIError && error.status !== 401) {
      throw new ImagineError(
        'invalid_request',
        `Discord refused the commands: ${error.message} (code ${error.code}).`,
      );
    }
    throw startUpError(error, restUrl(discord.apiUrl, route));
  }
  const registered = registeredSchema.safeParse(answer);
  if (!registered.success) {
    throw unexpectedAnswer(restUrl(discord.apiUrl, route), registered.error, 'DISCORD_API_URL');
  }
  const names = registered.data.map((command) => command.name);
  const where = discord.guildId
    ? `in server ${discord.guildId} (they appear at once)`
    : 'globally (they can take up to an hour to appear everywhere)';
  io.stdout(`Registered ${names.length} Discord commands ${where}: ${names.join(', ')}\n`);
  return 0;
}
