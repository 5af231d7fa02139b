import { footnote } from '../../commands/replies/index.js';
import type { Reply, ReplyButton } from '../../commands/reply.js';

/**
 * The commands a reply's buttons become. A compare result offers only `/pick N`: its other buttons would act on
 * whichever result came last, which is not the one the user is looking at.
 */
export function buttonCommands(reply: Reply, pickNumber: number | undefined): string[] {
  if (pickNumber !== undefined) return [`/pick ${pickNumber}`];
  return reply.buttons.flatMap((button) => commandFor(reply, button));
}

function commandFor(reply: Reply, button: ReplyButton): string[] {
  switch (button.action) {
    case 'reroll':
      return [reply.kind === 'error' ? '/retry' : '/reroll'];
    case 'variations':
    case 'upscale':
    case 'delete':
      return [`/${button.action}`];
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
