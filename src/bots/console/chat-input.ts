import { commands } from '../../commands/registry.js';
import type { ButtonAction } from '../../commands/reply.js';
import { didYouMean } from '../../core/closest-name.js';

/** Sub-commands the brain runs from text (its router picks them by first word); help has its own line here. */
const brainCommands = commands.filter((command) => command.subcommand && command.name !== 'help');

/** Result buttons, offered as commands; `/retry` is the Retry button of a failed job (a re-roll). */
const buttonCommands: Record<string, Exclude<ButtonAction, 'edit' | 'pick'>> = {
  reroll: 'reroll',
  retry: 'reroll',
  variations: 'variations',
  upscale: 'upscale',
  delete: 'delete',
};

/** Every command the chat knows, for "did you mean". */
const chatCommandNames = [
  'new',
  'imagine',
  'edit',
  'help',
  'attach',
  'pick',
  'quit',
  'exit',
  'warnings',
  ...Object.keys(buttonCommands),
  ...brainCommands.map((command) => command.name),
];

/** One line of the chat, read. */
export type ChatInput =
  | { kind: 'empty' }
  /** Text for the brain: a new prompt, or an edit in the current thread. */
  | { kind: 'message'; text: string }
  /** `/new [prompt]`, `/imagine prompt`: leave the thread; the text, if any, starts the next one. */
  | { kind: 'new'; text: string }
  | { kind: 'attach'; files: string[] }
  | { kind: 'command'; name: string; text: string }
  | { kind: 'help'; text: string }
  | { kind: 'button'; action: Exclude<ButtonAction, 'edit' | 'pick'> }
  | { kind: 'pick'; number: number }
  /** `/warnings`: every warning of the latest result, where the footnote shows three. */
  | { kind: 'warnings' }
  | { kind: 'quit' }
  /** A console command used wrongly, or an unknown one: the message says what to type. */
  | { kind: 'invalid'; message: string };

export const chatHelp = `Each line is a message in one thread: the first makes an image, the next ones edit it.
  /new [prompt]           start a new thread (the next line makes a new image)
  /attach FILE [FILE…]    add image files to your next message (to edit or fuse them)
  /reroll /variations /upscale /delete   act on the latest result (/retry after a failure)
  /compare PROMPT         one prompt on several models; /pick N continues with result N
  /warnings               every warning of the latest result (its footnote shows three)
  ${brainCommands
    .filter((command) => command.name !== 'compare')
    .map((command) => `/${command.name}`)
    .join('  ')}  /help [command]
  /quit                   exit (or Ctrl-D); Ctrl-C cancels a running request, twice exits
  //text                  a message that starts with "/"
`;

/** Reads one line: console commands start with `/`, anything else is a message. */
export function parseChatInput(line: string): ChatInput {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed.startsWith('//')) return { kind: 'message', text: trimmed.slice(1) };
  if (!trimmed.startsWith('/')) return { kind: 'message', text: trimmed };
  const [word = '', ...restWords] = trimmed.slice(1).split(/\s+/);
  const name = word.toLowerCase();
  const rest = restWords.join(' ');
  if (name === 'quit' || name === 'exit') return { kind: 'quit' };
  if (name === 'new' || name === 'imagine') return { kind: 'new', text: rest };
  if (name === 'edit') return { kind: 'message', text: rest };
  if (name === 'help') return { kind: 'help', text: rest };
  if (name === 'attach') return parseAttach(trimmed.slice(1 + word.length));
  if (name === 'pick') return parsePick(rest);
  if (name === 'warnings') return { kind: 'warnings' };
  const action = buttonCommands[name];
  if (action) return { kind: 'button', action };
  const command = brainCommands.find((candidate) => candidate.name === name);
  if (command) return { kind: 'command', name: command.name, text: rest };
  const suggestion = didYouMean(name, chatCommandNames, (closest) => `/${closest}`);
  return { kind: 'invalid', message: `Unknown command /${word}.${suggestion} /help lists the commands.` };
}

function parseAttach(text: string): ChatInput {
  // Quotes keep a file name with spaces in one piece.
  const files = [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
  const named = files.filter((file) => file !== '');
  if (named.length === 0)
    return { kind: 'invalid', message: 'Use: /attach FILE [FILE…] (PNG, JPEG, WEBP…).' };
  return { kind: 'attach', files: named };
}

function parsePick(text: string): ChatInput {
  const number = Number(text);
  if (text === '' || !Number.isInteger(number) || number < 1) {
    return { kind: 'invalid', message: 'Use: /pick N, with N the number of a /compare result (1, 2…).' };
  }
  return { kind: 'pick', number };
}
