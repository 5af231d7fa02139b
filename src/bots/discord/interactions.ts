import {
  ApplicationCommandOptionType,
  type Attachment,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  LabelBuilder,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { CommandContext } from '../../commands/context.js';
import { findCommand } from '../../commands/registry.js';
import type { Reply } from '../../commands/reply.js';
import { ImagineError } from '../../core/errors.js';
import { decideAccess } from './access.js';
import { answerInteraction, interactionPlace } from './answer-interaction.js';
import { imageAttachments, lazyAttachments } from './attachments.js';
import { handleAutocomplete } from './autocomplete.js';
import type { DiscordBot } from './bot.js';
import { editWithImagine } from './command-definitions.js';
import { editModalId, instructionFieldId, messageKey, messageModalId, parseCustomId } from './ids.js';
import { sendableChannel } from './outlets.js';

/** Routes every interaction: access first, then the command, button, modal or autocomplete it is. */
export async function handleInteraction(bot: DiscordBot, interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const access = decideAccess(bot.rules, interactionPlace(interaction));
    if (!access.allowed) return void (await interaction.respond([]));
    return handleAutocomplete(bot, interaction, access.isAdmin);
  }
  if (!interaction.isRepliable()) return;
  const access = decideAccess(bot.rules, interactionPlace(interaction));
  if (!access.allowed) {
    await interaction.reply({ content: access.reason, flags: MessageFlags.Ephemeral });
    return;
  }
  if (interaction.isChatInputCommand()) return slashCommand(bot, interaction, access.isAdmin);
  if (interaction.isMessageContextMenuCommand()) return openMessageModal(interaction);
  if (interaction.isButton()) return button(bot, interaction, access.isAdmin);
  if (interaction.isModalSubmit()) return modalSubmit(bot, interaction, access.isAdmin);
}

async function slashCommand(bot: DiscordBot, interaction: ChatInputCommandInteraction, isAdmin: boolean) {
  const options: Record<string, unknown> = {};
  const attached: { name: string; attachment: Attachment }[] = [];
  for (const option of interaction.options.data) {
    if (option.type !== ApplicationCommandOptionType.Attachment) options[option.name] = option.value;
    else if (option.attachment) attached.push({ name: option.name, attachment: option.attachment });
  }
  // image, image2, image3: in that order, whatever order they were given in.
  attached.sort((left, right) => (left.name < right.name ? -1 : 1));
  const attachments = lazyAttachments(
    attached.map(({ attachment }) => attachment),
    bot,
  );
  await answerInteraction(bot, interaction, {
    ephemeral: findCommand(interaction.commandName)?.answersPrivately ?? true,
    isAdmin,
    run: (context) => bot.brain.command(interaction.commandName, options, attachments, context),
  });
}

function instructionModal(customId: string, title: string): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(title)
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('What should change?')
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(instructionFieldId)
            .setStyle(TextInputStyle.Paragraph)
            .setPlaceholder('make the sky purple --ar 16:9')
            .setRequired(true)
            .setMaxLength(4000),
        ),
    );
}

/** "Edit with imagine" on a message: a modal for the instruction, only when the message shows an image. */
async function openMessageModal(interaction: MessageContextMenuCommandInteraction) {
  if (interaction.commandName !== editWithImagine) return;
  const target = interaction.targetMessage;
  if (imageAttachments(target.attachments.values()).length === 0) {
    await interaction.reply({ content: 'That message has no image to edit.', flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.showModal(
    instructionModal(messageModalId(target.channelId, target.id), 'Edit with imagine'),
  );
}

async function button(bot: DiscordBot, interaction: ButtonInteraction, isAdmin: boolean) {
  const parsed = parseCustomId(interaction.customId);
  if (parsed?.kind !== 'button') return;
  const { action, jobId, image } = parsed;
  // The edit modal must be the first answer: no deferral before it.
  if (action === 'edit')
    return interaction.showModal(instructionModal(editModalId(jobId), 'Edit this image'));
  await answerInteraction(bot, interaction, {
    ephemeral: action === 'delete',
    isAdmin,
    sourceMessage: interaction.message,
    run: (context) => bot.brain.button(action, jobId, context, undefined, image),
  });
}

async function modalSubmit(bot: DiscordBot, interaction: ModalSubmitInteraction, isAdmin: boolean) {
  const parsed = parseCustomId(interaction.customId);
  if (!parsed || parsed.kind === 'button') return;
  const text = interaction.fields.getTextInputValue(instructionFieldId);
  const run =
    parsed.kind === 'edit-modal'
      ? (context: CommandContext) => bot.brain.button('edit', parsed.jobId, context, text)
      : (context: CommandContext) => editMessage(bot, interaction, parsed, text, context);
  await answerInteraction(bot, interaction, { ephemeral: false, isAdmin, run });
}

/** Our result: an edit of that job. Anyone else's image: a new request with that image attached. */
async function editMessage(
  bot: DiscordBot,
  interaction: RepliableInteraction,
  target: { channelId: string; messageId: string },
  text: string,
  context: CommandContext,
): Promise<Reply[]> {
  const ours = await bot.brain.replyToMessage(
    messageKey(target.channelId, target.messageId),
    text,
    [],
    context,
  );
  if (ours) return ours;
  const channel = await sendableChannel(bot, target.channelId || (interaction.channelId ?? ''));
  const message = await channel.messages.fetch(target.messageId).catch(() => undefined);
  const images = message ? imageAttachments(message.attachments.values()) : [];
  if (images.length === 0)
    throw new ImagineError('invalid_image', 'That message has no image to edit any more.');
  return bot.brain.command('imagine', { prompt: text }, lazyAttachments(images, bot), context);
}
