import { type Interaction, type Message, MessageFlags, type RepliableInteraction } from 'discord.js';
import type { CommandContext } from '../../commands/context.js';
import { errorReply } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import { throttledProgress } from '../../commands/throttled-progress.js';
import { memberRoleIds, type Place } from './access.js';
import { type DiscordBot, defaultUploadLimitBytes, interactionTokenLifetimeMs } from './bot.js';
import { discordContext } from './command-context.js';
import { deliverReplies } from './deliver.js';
import { describeError, isTokenGone } from './discord-errors.js';
import { interactionOutlet } from './outlets.js';

/** Where an interaction happened, from what discord.js has cached (no REST call before the deferral). */
export function interactionPlace(interaction: Interaction): Place & { threadId: string | null } {
  const channel = interaction.channel;
  const thread = channel?.isThread() ? channel : null;
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? '',
    parentId: thread?.parentId ?? null,
    threadId: thread?.id ?? null,
    roleIds: memberRoleIds(interaction.member),
  };
}

export interface AnswerOptions {
  /** Only the user sees the answer (settings, usage…); results are public. */
  ephemeral: boolean;
  isAdmin: boolean;
  run(context: CommandContext): Promise<Reply[]>;
  /** The message a button was pressed on. */
  sourceMessage?: Message;
}

/**
 * Acknowledge first, work after: defers within Discord's 3 seconds, shows throttled progress in the deferred
 * reply, then delivers the brain's replies (editing the deferred reply, or in the channel once the token died).
 */
export async function answerInteraction(
  bot: DiscordBot,
  interaction: RepliableInteraction,
  options: AnswerOptions,
): Promise<void> {
  const receivedAt = bot.clock.now();
  try {
    await interaction.deferReply(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  } catch (error) {
    // Too late (another instance answered, or we were slower than 3 s): nothing can be shown any more.
    if (isTokenGone(error)) {
      bot.logger.warn('Discord: the interaction expired before it was acknowledged', {
        interactionId: interaction.id,
      });
      return;
    }
    throw error;
  }
  const outlet = interactionOutlet(bot, interaction, receivedAt);
  const place = interactionPlace(interaction);
  const progress = throttledProgress((text) => outlet.progress(text), {
    now: () => bot.clock.now(),
    intervalMs: bot.progressIntervalMs,
    logger: bot.logger,
  });
  let jobs = 0;
  const context = discordContext(interaction.user, place, options.isAdmin, {
    uploadLimitBytes: interaction.attachmentSizeLimit || defaultUploadLimitBytes,
    onProgress: (event) => progress.update(event),
    // A job posts its own progress and outcome through the interaction's webhook, from any process.
    destination: async () => {
      jobs += 1;
      return {
        platform: 'discord',
        applicationId: interaction.applicationId,
        channelId: interaction.channelId ?? '',
        ...(interaction.guildId !== null && { guildId: interaction.guildId }),
        ...(place.threadId !== null && { threadId: place.threadId }),
        requesterId: interaction.user.id,
        interactionToken: interaction.token,
        tokenExpiresAt: receivedAt + interactionTokenLifetimeMs,
        // Several jobs of one command (compare): the first edits the deferred reply, the others follow up.
        ...(jobs > 1 && { followUp: true }),
      };
    },
  });
  let replies: Reply[];
  try {
    replies = await options.run(context);
  } catch (error) {
    bot.logger.warn('Discord: a command failed', { error: describeError(error) });
    replies = [errorReply(error)];
  } finally {
    await progress.settle();
  }
  await deliverReplies(bot, replies, outlet, {
    ...(place.threadId && { threadId: place.threadId }),
    ...(options.sourceMessage && { sourceMessage: options.sourceMessage }),
  });
}
