import { board } from './board.js';
import { cancel } from './cancel.js';
import type { Command } from './command.js';
import { compare } from './compare.js';
import { edit } from './edit.js';
import { createHelp } from './help.js';
import { imagine } from './imagine.js';
import { models } from './models.js';
import { settings } from './settings.js';
import { usage } from './usage.js';

/** Every command, by name. `imagine` is also what plain text means. */
export const commands: readonly Command[] = [
  imagine,
  edit,
  compare,
  models,
  settings,
  usage,
  cancel,
  board,
  createHelp(() => commands),
];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name.toLowerCase());
}

/** Slack's `/imagine models` and the chat's `/models`: a known first word is a sub-command, else it is a prompt. */
export function routeText(text: string): { command: Command; rest: string } {
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const command = findCommand(first.replace(/^\//, ''));
  if (command?.subcommand) return { command, rest: rest.join(' ') };
  return { command: imagine, rest: trimmed };
}
