import { DiscordAPIError, REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { ImagineError } from '../../core/errors.js';
import { unexpectedAnswer } from '../../core/start-up-errors.js';
import { restOptions, restUrl, startUpError } from './client.js';
import { commandDefinitions } from './command-definitions.js';

const registeredSchema = z.array(z.object({ name: z.string() }));

/**
 * PUTs the slash commands to one server (DISCORD_GUILD_ID: they appear at once) or globally (they can take up to an
 * hour). Returns the names Discord registered. A separate step, never a side effect of starting the bot.
 */
export async function registerDiscordCommands(discord: NonNullable<Config['discord']>): Promise<string[]> {
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
  return registered.data.map((command) => command.name);
}
