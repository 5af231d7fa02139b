import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  type MessageMentionOptions,
} from 'discord.js';
import { type Reply, type ReplyButton, buttonRows as rowsOf } from '../../commands/reply.js';
import { buttonId } from './ids.js';

// Discord's limits: 2000 characters of content, 10 files per message, 5 buttons per row, 5 rows.
const maxContent = 2000;
const maxFiles = 10;
const buttonsPerRow = 5;
const maxRows = 5;

/** One Discord message, ready for editReply, followUp or channel.send. */
export interface MessageData {
  content: string;
  files: AttachmentBuilder[];
  components: ActionRowBuilder<ButtonBuilder>[];
  allowedMentions: MessageMentionOptions;
}

/**
 * A reply as Discord messages: text (split at 2000 characters), images as files (10 per message), buttons on the
 * first message. Nobody is pinged, except `mentionUserId` (the requester of a result posted after the
 * interaction expired).
 */
export function renderReply(reply: Reply, options: { mentionUserId?: string } = {}): MessageData[] {
  const mention = options.mentionUserId ? `<@${options.mentionUserId}> ` : '';
  const texts = splitText(mention + replyText(reply));
  const files = reply.images.map(
    (image) => new AttachmentBuilder(image.bytes, { name: image.fileName, description: image.altText }),
  );
  const fileGroups: AttachmentBuilder[][] = [];
  for (let start = 0; start < files.length; start += maxFiles)
    fileGroups.push(files.slice(start, start + maxFiles));
  const count = Math.max(texts.length, fileGroups.length, 1);
  const allowedMentions: MessageMentionOptions = {
    parse: [],
    repliedUser: false,
    ...(options.mentionUserId && { users: [options.mentionUserId] }),
  };
  return Array.from({ length: count }, (_, index) => ({
    content: texts[index] ?? '',
    files: fileGroups[index] ?? [],
    components: index === 0 ? buttonRows(reply.buttons) : [],
    allowedMentions,
  }));
}

function replyText(reply: Reply): string {
  const lines = [reply.kind === 'error' ? `❌ ${reply.text}` : reply.text];
  // `-#` is Discord's small grey "subtext".
  if (reply.caption) lines.push(`-# ${reply.caption}`);
  // The footnote's lines carry their own `⚠`; each is subtext.
  for (const line of reply.footnote?.split('\n') ?? []) lines.push(`-# ${line}`);
  return lines.filter((line) => line.trim() !== '').join('\n');
}

/** Splits at line ends where it can, so long lists (models, help) stay readable. */
export function splitText(text: string): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > maxContent) {
    const cut = rest.lastIndexOf('\n', maxContent);
    const end = cut > maxContent / 2 ? cut : maxContent;
    chunks.push(rest.slice(0, end));
    rest = rest.slice(end).replace(/^\n/, '');
  }
  if (rest.trim() !== '') chunks.push(rest);
  return chunks;
}

/** Each reply row as one action row, wrapped at 5 buttons; rows past the fifth are left out. */
function buttonRows(buttons: readonly ReplyButton[]): ActionRowBuilder<ButtonBuilder>[] {
  const chunks = rowsOf(buttons).flatMap((row) => {
    const wrapped: ReplyButton[][] = [];
    for (let start = 0; start < row.length; start += buttonsPerRow)
      wrapped.push(row.slice(start, start + buttonsPerRow));
    return wrapped;
  });
  return chunks.slice(0, maxRows).map((chunk) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      chunk.map((button) =>
        new ButtonBuilder()
          .setCustomId(buttonId(button))
          .setLabel(button.label)
          .setStyle(button.action === 'delete' ? ButtonStyle.Danger : ButtonStyle.Secondary),
      ),
    ),
  );
}
