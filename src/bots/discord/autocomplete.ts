import type { AutocompleteInteraction } from 'discord.js';
import type { Choice } from '../../commands/choices.js';
import { interactionPlace } from './answer-interaction.js';
import { type DiscordBot, defaultUploadLimitBytes } from './bot.js';
import { discordContext } from './command-context.js';
import { describeError } from './discord-errors.js';

/** Answers `model` and `size` autocomplete; anything else gets no suggestions. */
export async function handleAutocomplete(
  bot: DiscordBot,
  interaction: AutocompleteInteraction,
  isAdmin: boolean,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value);
  let choices: Choice[] = [];
  if (focused.name === 'model') choices = bot.brain.modelChoices(typed);
  if (focused.name === 'size') {
    const context = discordContext(interaction.user, interactionPlace(interaction), isAdmin, {
      uploadLimitBytes: defaultUploadLimitBytes,
    });
    choices = await bot.brain.sizeChoices(context, interaction.options.getString('model'), typed);
  }
  try {
    await interaction.respond(choices);
  } catch (error) {
    bot.logger.debug('Discord: autocomplete answer failed', { error: describeError(error) });
  }
}
