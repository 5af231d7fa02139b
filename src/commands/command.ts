import type { ZodType } from 'zod';
import type { LazyAttachment } from '../core/attachment.js';
import { type ImageOptionField, imageOptionList } from '../core/options/option-table.js';
import type { CommandContext } from './context.js';
import type { Reply } from './reply.js';
import type { BotServices } from './services.js';

/** What a command gets: inline text (Slack, threads, the chat) or a platform's option bag (Discord), plus attached files (read after the quota slot is taken). */
export interface CommandInput {
  text?: string;
  options?: Record<string, unknown>;
  attachments?: readonly LazyAttachment[];
}

/**
 * One field of a command's form, as platforms with typed forms (Discord's slash commands) offer it: a row of the
 * options table, free text, a fixed choice, or an attached image.
 */
export type CommandParameter =
  | { kind: 'option'; field: ImageOptionField }
  | { kind: 'text'; name: string; description: string; required?: boolean; maxLength?: number }
  | { kind: 'choice'; name: string; description: string; choices: readonly { name: string; value: string }[] }
  | { kind: 'image'; name: string; description: string };

/** Every row of the options table as parameters (`presets`: only those a user or channel may preset). */
export function imageOptionParameters(which: 'all' | 'presets'): CommandParameter[] {
  return imageOptionList
    .filter((option) => which === 'all' || option.preset)
    .map((option) => ({ kind: 'option', field: option.field }));
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
  /** Its form on platforms that give each command one (Discord); absent for a command reached only by replying in a thread (edit). */
  parameters?: readonly CommandParameter[];
  run(input: CommandInput, context: CommandContext, services: BotServices): Promise<Reply[]>;
}
