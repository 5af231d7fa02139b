import {
  type APIApplicationCommandAttachmentOption,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandIntegerOption,
  type APIApplicationCommandStringOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { commands } from '../../commands/registry.js';
import { imageOptionList } from '../../core/options/option-table.js';

/*
 * The commands as Discord registers them (`imagine-bot register discord` PUTs this list). Option names are the
 * flag table's (src/commands/options.ts), so the brain parses them like `--flags`.
 */

export const editWithImagine = 'Edit with imagine';

function text(
  name: string,
  description: string,
  extra: { required?: boolean; max_length?: number; autocomplete?: true } = {},
): APIApplicationCommandStringOption {
  return { type: ApplicationCommandOptionType.String, name, description, ...extra };
}

function choice(
  name: string,
  description: string,
  values: readonly string[],
): APIApplicationCommandStringOption {
  return {
    type: ApplicationCommandOptionType.String,
    name,
    description,
    choices: values.map((value) => ({ name: value, value })),
  };
}

function integer(
  name: string,
  description: string,
  min: number,
  max: number,
): APIApplicationCommandIntegerOption {
  return { type: ApplicationCommandOptionType.Integer, name, description, min_value: min, max_value: max };
}

function attachment(name: string, description: string): APIApplicationCommandAttachmentOption {
  return { type: ApplicationCommandOptionType.Attachment, name, description };
}

/** Discord's option for one row of the options table (names are the flags, so the brain parses them alike). */
function tableOption(option: (typeof imageOptionList)[number]): APIApplicationCommandBasicOption {
  const description = option.help.length <= 100 ? option.help : `${option.help.slice(0, 99)}…`;
  const platform = option.value.platform;
  switch (platform.type) {
    case 'integer':
      return integer(option.flag, description, platform.min, platform.max);
    case 'number':
      return {
        type: ApplicationCommandOptionType.Number,
        name: option.flag,
        description,
        min_value: platform.min,
        max_value: platform.max,
      };
    case 'boolean':
      return { type: ApplicationCommandOptionType.Boolean, name: option.flag, description };
    default:
      if (option.suggest) return text(option.flag, description, { autocomplete: true });
      return platform.choices
        ? choice(option.flag, description, platform.choices)
        : text(option.flag, description);
  }
}

const imageOptions = imageOptionList.map(tableOption);
const presetOptions = imageOptionList.filter((option) => option.preset).map(tableOption);

/** Guild installs, used in servers (the bot works in channels and threads, not in DMs). */
const guildOnly = () => ({
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
});

function summary(name: string): string {
  const found = commands.find((command) => command.name === name)?.summary ?? name;
  return found.length <= 100 ? found : `${found.slice(0, 99)}…`;
}

export const commandDefinitions: RESTPostAPIApplicationCommandsJSONBody[] = [
  {
    name: 'imagine',
    description: summary('imagine'),
    ...guildOnly(),
    options: [
      text('prompt', 'What the image should show (or what to change in the attached images)', {
        required: true,
        max_length: 4000,
      }),
      ...imageOptions,
      attachment('image', 'An image to edit'),
      attachment('image2', 'A second image to combine'),
      attachment('image3', 'A third image to combine'),
    ],
  },
  {
    name: 'compare',
    description: summary('compare'),
    ...guildOnly(),
    options: [
      text('prompt', 'What the images should show', { required: true, max_length: 4000 }),
      text('models', 'Comma-separated models (default: one per family)'),
      text('size', 'Aspect ratio (16:9) or size (1024x1024)'),
      attachment('image', 'An image to edit'),
    ],
  },
  { name: 'models', description: summary('models'), ...guildOnly() },
  {
    name: 'settings',
    description: summary('settings'),
    ...guildOnly(),
    options: [
      choice('action', 'show (default), set or reset', ['show', 'set', 'reset']),
      {
        type: ApplicationCommandOptionType.String,
        name: 'scope',
        description: 'me (default) or this channel (admins)',
        choices: [
          { name: 'me', value: 'me' },
          { name: 'this channel', value: 'channel' },
        ],
      },
      ...presetOptions,
      text('style', "The channel's style brief, added to every new prompt"),
    ],
  },
  { name: 'usage', description: summary('usage'), ...guildOnly() },
  {
    name: 'help',
    description: summary('help'),
    ...guildOnly(),
    options: [
      choice(
        'command',
        'A command to explain',
        commands.map((command) => command.name),
      ),
    ],
  },
  { name: 'cancel', description: summary('cancel'), ...guildOnly() },
  { name: editWithImagine, type: ApplicationCommandType.Message, ...guildOnly() },
];
