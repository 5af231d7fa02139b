import {
  type APIApplicationCommandAttachmentOption,
  type APIApplicationCommandIntegerOption,
  type APIApplicationCommandStringOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { commands } from '../../commands/registry.js';
import { resolutions } from '../../core/request.js';

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

const imageOptions = [
  text('model', 'Model: name or id (type to search)', { autocomplete: true }),
  text('size', 'Aspect ratio (16:9) or size (1024x1024) of the chosen model', { autocomplete: true }),
  choice('resolution', 'Resolution tier, where the model has tiers', resolutions),
  integer('n', 'How many images', 1, 10),
  integer('seed', 'Seed, where the model takes one', 0, 2_147_483_647),
  choice('quality', 'Quality, where the model has it', ['low', 'medium', 'high', 'auto']),
  text('negative', 'What to leave out, comma-separated (text, blur)'),
];

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
      ...imageOptions.filter((option) => option.name !== 'seed'),
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

/** Commands whose answer is for the user alone; the others answer in the channel. */
export const privateCommands: ReadonlySet<string> = new Set([
  'models',
  'settings',
  'usage',
  'help',
  'cancel',
]);
