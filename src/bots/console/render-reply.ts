import { footnote } from '../../commands/replies/index.js';
import type { Reply, ReplyButton } from '../../commands/reply.js';

/**
 * The commands a reply's buttons become, each once: per-image buttons (U1…U4) become `/upscale N` with the valid
 * numbers after them. A compare result offers only `/pick N`: its other buttons would act on whichever result came
 * last, which is not the one the user is looking at.
 */
export function buttonCommands(reply: Reply, pickNumber: number | undefined): string[] {
  if (pickNumber !== undefined) return [`/pick ${pickNumber}`];
  const commands = [...new Set(reply.buttons.flatMap((button) => commandFor(reply, button)))];
  const numbers = reply.buttons.flatMap((button) => (button.image === undefined ? [] : [button.image]));
  if (numbers.length > 0) commands.push(`(N: 1–${Math.max(...numbers)})`);
  return commands;
}

function commandFor(reply: Reply, button: ReplyButton): string[] {
  switch (button.action) {
    case 'reroll':
      return [reply.kind === 'error' ? '/retry' : '/reroll'];
    case 'variations':
    case 'upscale':
      return [button.image === undefined ? `/${button.action}` : `/${button.action} N`];
    case 'delete':
      return ['/delete'];
    case 'zoom-1.5':
    case 'zoom-2':
      return ['/zoom 1.5|2'];
    case 'pan-left':
    case 'pan-right':
    case 'pan-up':
    case 'pan-down':
      return ['/pan left|right|up|down'];
    case 'pick':
    case 'edit':
      // Editing is typing the next line; picks are numbered by the caller.
      return [];
  }
}

/** A reply as terminal lines: its text, the files written, caption (with the revised prompt), warnings, actions. */
export function formatReply(
  reply: Reply,
  details: { saved: readonly string[]; removed: readonly string[]; commands: readonly string[] },
): string {
  // Markdown bold (compare labels) means nothing on a terminal.
  const lines = [reply.text.replace(/\*\*(.+?)\*\*/g, '$1')];
  for (const file of details.saved) lines.push(`  saved ${file}`);
  for (const file of details.removed) lines.push(`  removed ${file}`);
  for (const line of reply.caption?.split('\n') ?? []) lines.push(`  ${line}`);
  // Cut warnings say where to read them all.
  const note = reply.warnings
    ? footnote(reply.warnings, (hidden) => `+${hidden} more: /warnings shows them all`)
    : reply.footnote;
  for (const line of note?.split('\n') ?? []) lines.push(`  ${line}`);
  if (details.commands.length > 0) lines.push(`  actions: ${details.commands.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
