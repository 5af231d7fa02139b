import { z } from 'zod';
import { ImagineError } from '../core/errors.js';
import { resolveModel } from '../core/models/table.js';
import { resolveRequest } from '../core/resolve-request.js';
import {
  type Settings,
  type SettingsLayer,
  type SettingsScope,
  settingFields,
} from '../core/settings/settings.js';
import { type Command, imageOptionParameters } from './command.js';
import type { CommandContext } from './context.js';
import { parseInlineFlags } from './flags.js';
import { resolveSettings } from './job-factory.js';
import { imageOptionsSchema, optionDefinitions, parseStructuredOptions } from './options.js';
import { errorReply } from './replies/index.js';
import { infoReply, type Reply } from './reply.js';
import type { BotServices } from './services.js';

const sourceNames: Record<SettingsLayer, string> = {
  default: 'bot default',
  channel: 'channel setting',
  user: 'your setting',
  command: 'this command',
};
const settingsFlags = { style: { takesValue: true, aliases: ['brief'] }, channel: { takesValue: false } };
const actions = ['show', 'set', 'reset'] as const;

interface SettingsInput {
  action: (typeof actions)[number];
  channel: boolean;
  change: Settings;
}

function readInput(input: { text?: string; options?: Record<string, unknown> }): SettingsInput {
  if (input.options) {
    const { action, scope, style, ...rest } = input.options;
    const options = parseStructuredOptions(rest);
    return {
      action: actions.find((name) => name === action) ?? 'show',
      channel: scope === 'channel',
      change: { ...pickSettings(options), ...(typeof style === 'string' && { style }) },
    };
  }
  const [first = '', ...words] = (input.text ?? '').trim().split(/\s+/);
  const action = actions.find((name) => name === first.toLowerCase());
  const parsed = parseInlineFlags(action ? words.join(' ') : (input.text ?? ''), settingsFlags);
  if (!action && (parsed.prompt || Object.keys(parsed.options).length > 0)) {
    throw new ImagineError(
      'invalid_option',
      'Use: settings show | settings set --model … --ar … --style "…" | settings reset (add --channel for the channel).',
    );
  }
  return {
    action: action ?? 'show',
    channel: parsed.rest.channel !== undefined,
    change: {
      ...pickSettings(parsed.options),
      ...(parsed.rest.style !== undefined && { style: parsed.rest.style }),
    },
  };
}

/** A setting by the flag users type (`negative`), not its field name; `style` is a setting of its own. */
function settingName(field: string): string {
  return optionDefinitions.find((definition) => definition.field === field)?.name ?? field;
}

function pickSettings(options: Record<string, unknown>): Settings {
  return Object.fromEntries(
    settingFields.flatMap((field) => (options[field] === undefined ? [] : [[field, options[field]]])),
  );
}

async function show(services: BotServices, context: CommandContext): Promise<Reply> {
  const { values, sources } = await resolveSettings(services, context);
  const lines = settingFields.map((field) => {
    const value = values[field];
    const source = sources[field];
    return `• ${settingName(field)}: ${value === undefined ? '— (model default)' : `${String(value)} (${source ? sourceNames[source] : ''})`}`;
  });
  return infoReply(`Settings here:\n${lines.join('\n')}`);
}

async function set(
  services: BotServices,
  context: CommandContext,
  scope: SettingsScope,
  change: Settings,
): Promise<Reply> {
  if (Object.keys(change).length === 0) {
    throw new ImagineError(
      'invalid_option',
      'Nothing to set: give --model, --ar, --res, --quality, --n, --no or --style.',
    );
  }
  if (change.model) change.model = resolveModel(change.model).id;
  // Check the result against the model before saving, so a channel can't be left with settings that always fail.
  const layered = await resolveSettings(services, context, change);
  const { style: _style, ...values } = layered.values;
  resolveRequest({ ...values, model: values.model ?? services.config.defaultModel, prompt: 'check' });
  await services.presets.set(scope, change);
  return infoReply(
    `Saved ${scope.kind === 'channel' ? 'for this channel' : 'for you'}: ${Object.entries(change)
      .map(([key, value]) => `${settingName(key)} = ${String(value)}`)
      .join(', ')}.`,
  );
}

export const settings = {
  name: 'settings',
  answersPrivately: true,
  makesImages: false,
  subcommand: true,
  parameters: [
    {
      kind: 'choice',
      name: 'action',
      description: 'show (default), set or reset',
      choices: actions.map((action) => ({ name: action, value: action })),
    },
    {
      kind: 'choice',
      name: 'scope',
      description: 'me (default) or this channel (admins)',
      choices: [
        { name: 'me', value: 'me' },
        { name: 'this channel', value: 'channel' },
      ],
    },
    ...imageOptionParameters('presets'),
    { kind: 'text', name: 'style', description: "The channel's style brief, added to every new prompt" },
  ],
  summary: 'Show, set or reset defaults for you or (admins) for this channel.',
  help: 'settings show | settings set [--channel] --model ID --ar 16:9 --res 2K --style "flat pastel" | settings reset [--channel]',
  options: imageOptionsSchema.extend({
    action: z.enum(actions).optional(),
    scope: z.enum(['me', 'channel']).optional(),
    style: z.string().optional(),
  }),
  async run(input, context, services) {
    try {
      const { action, channel, change } = readInput(input);
      if (action === 'show') return [await show(services, context)];
      const scope: SettingsScope = channel
        ? { kind: 'channel', id: context.channelId }
        : { kind: 'user', id: context.user.id };
      if (channel && !context.user.isAdmin) {
        return [
          infoReply(
            'Only admins can change this channel’s settings. Leave out --channel to change your own.',
          ),
        ];
      }
      if (action === 'reset') {
        await services.presets.reset(scope);
        return [infoReply(channel ? 'Channel settings reset.' : 'Your settings reset.')];
      }
      return [await set(services, context, scope, change)];
    } catch (error) {
      return [errorReply(error)];
    }
  },
} satisfies Command;
