import type { LazyAttachment } from '../core/attachment.js';
import { didYouMean } from '../core/closest-name.js';
import { ImagineError } from '../core/errors.js';
import { pressButton } from './actions.js';
import { type Choice, modelChoices, sizeChoices } from './choices.js';
import type { CommandContext } from './context.js';
import { edit, editFrom } from './edit.js';
import { imagine } from './imagine.js';
import { resolveSettings } from './job-factory.js';
import { putOnBoard } from './put-on-board.js';
import { commands, findCommand, routeText } from './registry.js';
import { errorReply } from './replies/index.js';
import type { ButtonAction, Reply } from './reply.js';
import type { BotServices } from './services.js';

/** Where a posted result landed, in the brain's platform-qualified keys, and its browser link (the board). */
export interface ResultLinks {
  threadKey?: string;
  messageKey?: string;
  messageUrl?: string;
}

/**
 * The one door adapters use. They translate platform events into these calls and render the replies; nothing
 * here knows which platform it serves. Attachments come unread: a command reads them once the user's quota slot
 * is taken, so a refused request downloads nothing.
 */
export interface Brain {
  /** A slash command with a platform's option bag (Discord). */
  command(
    name: string,
    options: Record<string, unknown>,
    attachments: readonly LazyAttachment[],
    context: CommandContext,
  ): Promise<Reply[]>;
  /** Text with inline flags, a known first word being a sub-command (Slack's /imagine, the chat). */
  text(text: string, attachments: readonly LazyAttachment[], context: CommandContext): Promise<Reply[]>;
  /** A prompt with inline flags, never read as a sub-command ("compare two cats" is a prompt here). */
  imagine(text: string, attachments: readonly LazyAttachment[], context: CommandContext): Promise<Reply[]>;
  /** A message in a thread: an edit when the thread is one of ours, else undefined (not for us). */
  threadMessage(
    text: string,
    attachments: readonly LazyAttachment[],
    context: CommandContext,
  ): Promise<Reply[] | undefined>;
  /** A reply to a message that shows a result: an edit from that image, else undefined. */
  replyToMessage(
    messageKey: string,
    text: string,
    attachments: readonly LazyAttachment[],
    context: CommandContext,
  ): Promise<Reply[] | undefined>;
  /** A result button (and the edit modal's text); `image` is the image a per-image button acts on (1-based). */
  button(
    action: ButtonAction,
    jobId: string,
    context: CommandContext,
    text?: string,
    image?: number,
  ): Promise<Reply[]>;
  /** Is this thread (platform-qualified key) one of ours? Adapters ignore the others before any slow work. */
  ownsThread(threadKey: string): Promise<boolean>;
  /** Does this message (platform-qualified key) show one of our results? A reply to it is an edit. */
  ownsMessage(messageKey: string): Promise<boolean>;
  /** Models matching what the user typed, for suggestions as they type. */
  modelChoices(typed: string): Choice[];
  /** Sizes of the model typed so far, else of the one in force here (the user's, the channel's, the default). */
  sizeChoices(context: CommandContext, typedModel: string | null, typed: string): Promise<Choice[]>;
  /**
   * Claims an event (`discord-interaction:…`, `slack-event:…`) for this process: true for the first instance to
   * claim it, so several instances on one token or behind one URL answer each event once.
   */
  claimEvent(key: string, ttlMs: number): Promise<boolean>;
  /** The adapter posted a job's result: its thread continues that job's conversation, its message edits that job. */
  linkResult(jobId: string, links: ResultLinks): Promise<void>;
  /** A ⭐ added (on) or removed on a message of the bot's: marks that result a favourite on the team board. */
  favouriteMessage(messageKey: string, userId: string, on: boolean): Promise<boolean>;
}

export function createBrain(services: BotServices): Brain {
  // Admins come from the platform (roles, workspace admins) and from config (ADMIN_IDS).
  const withAdmins = <T extends CommandContext>(context: T): T => ({
    ...context,
    user: {
      ...context.user,
      isAdmin: context.user.isAdmin || services.config.adminIds.includes(context.user.id),
    },
  });
  const guarded = async (work: () => Promise<Reply[]>) => {
    try {
      return await work();
    } catch (error) {
      return [errorReply(error)];
    }
  };
  return {
    command: (name, options, attachments, context) =>
      guarded(async () => {
        const command = findCommand(name);
        if (!command) {
          const names = commands.map((known) => known.name);
          const suggestion = didYouMean(name, names);
          return [
            errorReply(
              new ImagineError(
                'invalid_option',
                `Unknown command "${name}".${suggestion} Commands: ${names.join(', ')}.`,
              ),
            ),
          ];
        }
        return command.run({ options, attachments }, withAdmins(context), services);
      }),
    text: (text, attachments, context) =>
      guarded(async () => {
        const { command, rest } = routeText(text);
        return command.run({ text: rest, attachments }, withAdmins(context), services);
      }),
    imagine: (text, attachments, context) =>
      guarded(() => imagine.run({ text, attachments }, withAdmins(context), services)),
    async threadMessage(text, attachments, context) {
      if (!context.threadId) return undefined;
      const conversationId = await services.conversations.conversationOfThread(context.threadId);
      if (!conversationId) return undefined;
      return guarded(() => edit.run({ text, attachments }, withAdmins(context), services));
    },
    async replyToMessage(messageKey, text, attachments, context) {
      const jobId = await services.conversations.jobOfMessage(messageKey);
      const parent = jobId ? await services.jobs.get(jobId) : undefined;
      if (!parent) return undefined;
      return guarded(async () => [await editFrom(services, withAdmins(context), parent, text, attachments)]);
    },
    button: (action, jobId, context, text, image) =>
      guarded(() => pressButton(services, withAdmins(context), action, jobId, text, image)),
    ownsThread: async (threadKey) =>
      (await services.conversations.conversationOfThread(threadKey)) !== undefined,
    ownsMessage: async (messageKey) => (await services.conversations.jobOfMessage(messageKey)) !== undefined,
    modelChoices,
    async sizeChoices(context, typedModel, typed) {
      const model =
        typedModel ?? (await resolveSettings(services, context)).values.model ?? services.config.defaultModel;
      return sizeChoices(model, typed);
    },
    async claimEvent(key, ttlMs) {
      const first = await services.claims.claim(key, ttlMs);
      // `slack-event:Ev…` → slack-event: which kind of event was a duplicate, never its id.
      if (!first) services.events.eventDeduped(key.split(':')[0] ?? 'event');
      return first;
    },
    async linkResult(jobId, links) {
      const job = await services.jobs.get(jobId);
      if (!job) return;
      if (links.threadKey) await services.conversations.linkThread(links.threadKey, job.conversationId);
      if (links.messageKey) await services.conversations.linkMessage(links.messageKey, jobId);
      await putOnBoard(services, job, links.messageUrl);
    },
    async favouriteMessage(messageKey, userId, on) {
      const jobId = await services.conversations.jobOfMessage(messageKey);
      if (jobId === undefined || services.board === undefined) return false;
      await services.board.setFavourite(jobId, 1, userId, on);
      return true;
    },
  };
}
