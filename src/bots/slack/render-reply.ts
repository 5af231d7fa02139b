import type { types } from '@slack/bolt';
import { buttonRows, type Reply, type ReplyButton } from '../../commands/reply.js';
import { slackUserOf } from './slack-ids.js';
import { escapeText, trimForBlock } from './slack-text.js';

export type Block = types.KnownBlock;

/** A Slack message: `text` is the notification and screen-reader fallback, `blocks` what is shown. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/**
 * Action ids are `imagine:<action>`, or `imagine:<action>:<image>` for per-image buttons (an action id must be
 * unique in its message); the value is the job id alone, so a button works after a restart.
 */
export const actionIdPrefix = 'imagine:';
/** Slack: an actions block holds at most 25 elements. */
const maxActionsPerBlock = 25;

export function actionId(button: Pick<ReplyButton, 'action' | 'image'>): string {
  return `${actionIdPrefix}${button.action}${button.image === undefined ? '' : `:${button.image}`}`;
}

function button(reply: ReplyButton): types.Button {
  return {
    type: 'button',
    action_id: actionId(reply),
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
  // One actions block per row of buttons (upscales, variations, actions, zoom, pan).
  const rows = buttonRows(reply.buttons).flatMap((row) => {
    const chunks: ReplyButton[][] = [];
    for (let start = 0; start < row.length; start += maxActionsPerBlock)
      chunks.push(row.slice(start, start + maxActionsPerBlock));
    return chunks;
  });
  rows.forEach((row, index) => {
    const blockId = index === 0 ? 'imagine-buttons' : `imagine-buttons-${index + 1}`;
    blocks.push({ type: 'actions', block_id: blockId, elements: row.map(button) });
  });
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
