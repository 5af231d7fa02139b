import type { types } from '@slack/bolt';
import type { Reply, ReplyButton } from '../../commands/reply.js';
import { slackUserOf } from './slack-ids.js';
import { escapeText, trimForBlock } from './slack-text.js';

export type Block = types.KnownBlock;

/** A Slack message: `text` is the notification and screen-reader fallback, `blocks` what is shown. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Action ids are `imagine:<action>`; the value is the job id alone, so a button works after a restart. */
export const actionIdPrefix = 'imagine:';

function button(reply: ReplyButton): types.Button {
  return {
    type: 'button',
    action_id: `${actionIdPrefix}${reply.action}`,
    text: { type: 'plain_text', text: reply.label, emoji: true },
    value: reply.jobId,
    ...(reply.action === 'delete' && { style: 'danger' as const }),
  };
}

/**
 * A reply as Block Kit: the text (a result's prompt, in quotes), a context line with the caption and any footnote,
 * then the buttons. Every piece of user text is escaped, so nothing in it pings anyone; only `mention` may.
 */
export function renderReply(reply: Reply): SlackMessage {
  const pings = (reply.mention ?? [])
    .map(slackUserOf)
    .filter((user): user is string => user !== undefined)
    .map((user) => `<@${user}> `)
    .join('');
  const body = trimForBlock(`${pings}${mrkdwn(reply.text)}`);
  const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: body } }];
  const notes = [reply.caption, reply.footnote].filter(
    (note): note is string => note !== undefined && note !== '',
  );
  if (notes.length > 0) {
    blocks.push({
      type: 'context',
      elements: notes.map((note) => ({ type: 'mrkdwn', text: trimForBlock(escapeText(note)) })),
    });
  }
  if (reply.buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: 'imagine-buttons', elements: reply.buttons.map(button) });
  }
  return { text: body, blocks };
}

/** Replies bold with `**x**` (Markdown); Slack's mrkdwn writes `*x*`. */
function mrkdwn(text: string): string {
  return escapeText(text).replace(/\*\*([^*\n]+)\*\*/g, '*$1*');
}

/** A one-line message without blocks (progress, notes). */
export function plainMessage(text: string): SlackMessage {
  const escaped = trimForBlock(escapeText(text));
  return { text: escaped, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escaped } }] };
}
