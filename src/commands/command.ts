import type { ZodType } from 'zod';
import type { LazyAttachment } from '../core/attachment.js';
import type { CommandContext } from './context.js';
import type { Reply } from './reply.js';
import type { BotServices } from './services.js';

/** What a command gets: inline text (Slack, threads, the chat) or a platform's option bag (Discord), plus attached files (read after the quota slot is taken). */
export interface CommandInput {
  text?: string;
  options?: Record<string, unknown>;
  attachments?: readonly LazyAttachment[];
}

/** A command is data (name, options schema, help) plus a run function; it knows no platform. */
export interface Command {
  name: string;
  summary: string;
  /** Usage, shown by `help <command>`. */
  help: string;
  /** The options it takes, as a zod schema (structured and inline options end in it). */
  options: ZodType;
  /** Its answer is for the asker alone (ephemeral on Discord and Slack). */
  answersPrivately: boolean;
  /** It makes images: adapters show a "queued" note at once. */
  makesImages: boolean;
  /**
   * Reached by its name as the first word of text (`/imagine models` on Slack, `/models` in the chat). False for
   * imagine and edit: plain text already means them.
   */
  subcommand: boolean;
  run(input: CommandInput, context: CommandContext, services: BotServices): Promise<Reply[]>;
}
