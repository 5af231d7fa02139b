import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, CommandParameter } from '../../commands/command.js';
import { commands } from '../../commands/registry.js';
import { type ImageOptionSpec, imageOptionTable } from '../../core/options/option-table.js';
import type { PlatformValue } from '../../core/options/option-values.js';

/*
 * The commands as Discord registers them (`imagine-bot register discord` PUTs this list), read from the commands
 * themselves: each command's parameters, the options table's rows by their flag names, so the brain parses them
 * like `--flags`.
 */

export const editWithImagine = 'Edit with imagine';

// Discord: descriptions of at most 100 characters.
const short = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);

/** Discord's option for one row of the options table. */
function tableOption(
  parameter: Extract<CommandParameter, { kind: 'option' }>,
): APIApplicationCommandBasicOption {
  const option: ImageOptionSpec = imageOptionTable[parameter.field];
  const name = option.flag;
  const description = short(option.help);
  const platform: PlatformValue = option.value.platform;
  switch (platform.type) {
    case 'integer':
      return {
        type: ApplicationCommandOptionType.Integer,
        name,
        description,
        min_value: platform.min,
        max_value: platform.max,
      };
    case 'number':
      return {
        type: ApplicationCommandOptionType.Number,
        name,
        description,
        min_value: platform.min,
        max_value: platform.max,
      };
    case 'boolean':
      return { type: ApplicationCommandOptionType.Boolean, name, description };
    default:
      if (option.suggest) {
        return { type: ApplicationCommandOptionType.String, name, description, autocomplete: true };
      }
      return {
        type: ApplicationCommandOptionType.String,
        name,
        description,
        ...(platform.choices && { choices: platform.choices.map((value) => ({ name: value, value })) }),
      };
  }
}

function discordOption(parameter: CommandParameter): APIApplicationCommandBasicOption {
  switch (parameter.kind) {
    case 'option':
      return tableOption(parameter);
    case 'text':
      return {
        type: ApplicationCommandOptionType.String,
        name: parameter.name,
        description: short(parameter.description),
        ...(parameter.required && { required: true }),
        ...(parameter.maxLength !== undefined && { max_length: parameter.maxLength }),
      };
    case 'choice':
      return {
        type: ApplicationCommandOptionType.String,
        name: parameter.name,
        description: short(parameter.description),
        choices: parameter.choices.map((choice) => ({ name: choice.name, value: choice.value })),
      };
    case 'image':
      return {
        type: ApplicationCommandOptionType.Attachment,
        name: parameter.name,
        description: short(parameter.description),
      };
  }
}

/** Guild installs, used in servers (the bot works in channels and threads, not in DMs). */
const guildOnly = () => ({
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
});

// Discord: at most 25 options per command.
export const maxDiscordOptions = 25;

/**
 * The parameters that fit in Discord's 25 options. Every row of the options table is a slash option while they
 * fit (today /imagine has 20 options); should the table outgrow that, the command's own parameters (prompt,
 * images) stay and the table's last rows (the rarely used ones) are left out: they still work as inline flags
 * in the prompt option (`prompt:"a fox --group"`), which every command with a prompt reads.
 */
export function fitDiscordLimit(parameters: readonly CommandParameter[]): CommandParameter[] {
  let room = maxDiscordOptions - parameters.filter((parameter) => parameter.kind !== 'option').length;
  return parameters.filter((parameter) => {
    if (parameter.kind !== 'option') return true;
    room -= 1;
    return room >= 0;
  });
}

function slashCommand(command: Command & { parameters: readonly CommandParameter[] }) {
  const parameters = fitDiscordLimit(command.parameters);
  return {
    name: command.name,
    description: short(command.summary),
    ...guildOnly(),
    ...(parameters.length > 0 && { options: parameters.map(discordOption) }),
  };
}

export const commandDefinitions: RESTPostAPIApplicationCommandsJSONBody[] = [
  ...commands.flatMap((command) =>
    command.parameters === undefined ? [] : [slashCommand({ ...command, parameters: command.parameters })],
  ),
  { name: editWithImagine, type: ApplicationCommandType.Message, ...guildOnly() },
];
