import { commands } from '../../commands/registry.js';
import type { ButtonAction } from '../../commands/reply.js';
import { didYouMean } from '../../core/closest-name.js';

/** Sub-commands the brain runs from text (its router picks them by first word); help has its own line here. */
const brainCommands = commands.filter((command) => command.subcommand && command.name !== 'help');

export type ChatButtonAction = Exclude<ButtonAction, 'edit' | 'pick'>;

/** Result buttons that act on the whole result; `/retry` is the Retry button of a failed job (a re-roll). */
const wholeResultCommands: Record<string, ChatButtonAction> = {
  reroll: 'reroll',
  retry: 'reroll',
  delete: 'delete',
};
/** Result buttons that act on one image: `/upscale 2`, `/variations 3` (image 1 when no number is given). */
const imageCommands: Record<string, ChatButtonAction> = { upscale: 'upscale', variations: 'variations' };
const zoomCommands: Record<string, ChatButtonAction> = { '1.5': 'zoom-1.5', '2': 'zoom-2' };
const panCommands: Record<string, ChatButtonAction> = {
  left: 'pan-left',
  right: 'pan-right',
  up: 'pan-up',
  down: 'pan-down',
};
const zoomUsage = 'Use: /zoom 1.5|2 [N] — zoom out image N (default 1) of the latest result by 1.5× or 2×.';
const panUsage =
  'Use: /pan left|right|up|down [N] — extend image N (default 1) of the latest result that way.';

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
  'zoom',
  'pan',
  ...Object.keys(wholeResultCommands),
  ...Object.keys(imageCommands),
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
  /** `image`: which image of the latest result (1-based), for the commands that act on one. */
  | { kind: 'button'; action: ChatButtonAction; image?: number }
  | { kind: 'pick'; number: number }
  /** `/warnings`: every warning of the latest result, where the footnote shows three. */
  | { kind: 'warnings' }
  | { kind: 'quit' }
  /** A console command used wrongly, or an unknown one: the message says what to type. */
  | { kind: 'invalid'; message: string };

export const chatHelp = `Each line is a message in one thread: the first makes an image, the next ones edit it.
  /new [prompt]           start a new thread (the next line makes a new image)
  /attach FILE [FILE…]    add image files to your next message (to edit or fuse them)
  /reroll /delete         act on the latest result (/retry after a failure)
  /upscale [N]            image N (default 1) of the latest result, bigger
  /variations [N]         variations of image N of the latest result
  /zoom 1.5|2 [N]         zoom out image N: the model fills the new border
  /pan DIRECTION [N]      extend image N left, right, up or down
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
  const whole = wholeResultCommands[name];
  if (whole) {
    if (rest !== '')
      return { kind: 'invalid', message: `Use: /${name} (it acts on the whole latest result).` };
    return { kind: 'button', action: whole };
  }
  const perImage = imageCommands[name];
  if (perImage)
    return withImageNumber(perImage, restWords, `Use: /${name} [N], with N an image number (1, 2…).`);
  if (name === 'zoom')
    return withImageNumber(zoomCommands[restWords[0] ?? ''], restWords.slice(1), zoomUsage);
  if (name === 'pan') return withImageNumber(panCommands[restWords[0] ?? ''], restWords.slice(1), panUsage);
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

/** A per-image command with its optional image number; the brain checks the number against the result. */
function withImageNumber(
  action: ChatButtonAction | undefined,
  words: readonly string[],
  usage: string,
): ChatInput {
  if (action === undefined || words.length > 1) return { kind: 'invalid', message: usage };
  const [text] = words;
  if (text === undefined) return { kind: 'button', action };
  const image = Number(text);
  if (!/^\d+$/.test(text) || image < 1) return { kind: 'invalid', message: usage };
  return { kind: 'button', action, image };
}

function parsePick(text: string): ChatInput {
  const number = Number(text);
  if (text === '' || !Number.isInteger(number) || number < 1) {
    return { kind: 'invalid', message: 'Use: /pick N, with N the number of a /compare result (1, 2…).' };
  }
  return { kind: 'pick', number };
}
