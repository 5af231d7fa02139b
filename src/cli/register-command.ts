import { registerDiscordCommands } from '../bots/discord/register-commands.js';
import { loadDiscordConfig } from '../config.js';
import { ImagineError, invalidOption } from '../core/errors.js';
import type { CliIo } from './io.js';

/** `imagine-bot register discord`: registers the slash commands (see registerDiscordCommands). */
export async function runRegister(argv: readonly string[], io: CliIo): Promise<number> {
  const [platform, ...extra] = argv;
  if (platform !== 'discord' || extra.length > 0) {
    throw invalidOption(
      'platform',
      'Usage: imagine-bot register discord (Slack commands are set in the app manifest).',
    );
  }
  const discord = loadDiscordConfig(io.env);
  if (!discord) {
    throw new ImagineError(
      'config',
      'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the Discord commands.',
      {
        option: 'DISCORD_TOKEN',
      },
    );
  }
  const names = await registerDiscordCommands(discord);
  const where = discord.guildId
    ? `in server ${discord.guildId} (they appear at once)`
    : 'globally (they can take up to an hour to appear everywhere)';
  io.stdout(`Registered ${names.length} Discord commands ${where}: ${names.join(', ')}\n`);
  return 0;
}
