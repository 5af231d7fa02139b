import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import type { ModelRow } from '../../core/models/model-row.js';
import { findModel, modelTable } from '../../core/models/table.js';
import { interactionPlace } from './answer-interaction.js';
import { type DiscordBot, defaultUploadLimitBytes } from './bot.js';
import { discordContext } from './command-context.js';
import { describeError } from './discord-errors.js';

// Discord shows at most 25 choices; names and values are at most 100 characters.
const maxChoices = 25;
const maxLength = 100;

const clip = (text: string) => (text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`);

/** `Nano Banana (Gemini 2.5 Flash Image) · text-to-image, edits (3 images), multi-turn`. */
export function modelChoiceName(row: ModelRow): string {
  const can = [
    row.capabilities.textToImage && 'text-to-image',
    row.capabilities.edit &&
      `edits (${row.capabilities.maxInputImages} image${row.capabilities.maxInputImages === 1 ? '' : 's'})`,
    row.capabilities.multiTurn && 'multi-turn',
  ].filter(Boolean);
  return clip(`${row.displayName} · ${can.join(', ')}`);
}

export function modelChoices(typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const needle = typed.trim().toLowerCase();
  return modelTable
    .filter((row) =>
      [row.id, row.displayName, ...row.aliases].some((name) => name.toLowerCase().includes(needle)),
    )
    .slice(0, maxChoices)
    .map((row) => ({ name: modelChoiceName(row), value: row.aliases[0] ?? row.id }));
}

/** The sizes of the model chosen so far (or the default model): ratios as they are, pixel sizes with their ratio. */
export function sizeChoices(modelName: string, typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const row = findModel(modelName);
  if (!row) return [];
  const needle = typed.trim().toLowerCase();
  return row.sizes.values
    .filter((size) => size.toLowerCase().includes(needle))
    .slice(0, maxChoices)
    .map((size) => ({ name: clip(sizeLabel(size)), value: size }));
}

function sizeLabel(size: string): string {
  const [width, height] = size.split(/[x*]/).map(Number);
  if (!width || !height) return size;
  const divisor = greatestCommonDivisor(width, height);
  return `${size} (${width / divisor}:${height / divisor})`;
}

function greatestCommonDivisor(first: number, second: number): number {
  return second === 0 ? first : greatestCommonDivisor(second, first % second);
}

/** Answers `model` and `size` autocomplete; anything else gets no suggestions. */
export async function handleAutocomplete(
  bot: DiscordBot,
  interaction: AutocompleteInteraction,
  isAdmin: boolean,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value);
  let choices: ApplicationCommandOptionChoiceData<string>[] = [];
  if (focused.name === 'model') choices = modelChoices(typed);
  if (focused.name === 'size') {
    // The model typed so far, else the one in force here (the user's or the channel's setting, else the default).
    const typedModel = interaction.options.getString('model');
    const context = discordContext(interaction.user, interactionPlace(interaction), isAdmin, {
      uploadLimitBytes: defaultUploadLimitBytes,
    });
    const model =
      typedModel ?? (await bot.brain.settingsFor(context)).model ?? bot.services.settings.defaultModel;
    choices = sizeChoices(model, typed);
  }
  try {
    await interaction.respond(choices);
  } catch (error) {
    bot.logger.debug('Discord: autocomplete answer failed', { error: describeError(error) });
  }
}
