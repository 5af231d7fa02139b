import type { RawFile } from 'discord.js';
import type { MessageData } from './render-reply.js';

/** A message body as Discord's REST API takes it (snake_case), what discord.js sends for the same options. */
export interface RestMessageBody {
  content: string;
  components: unknown[];
  allowed_mentions: { parse: string[]; users?: string[]; roles?: string[]; replied_user?: boolean };
  attachments: { id: string; description?: string }[];
}

/**
 * The renderer's `MessageData` as a REST body plus multipart files (`files[n]` ↔ `attachments[n].id`), for
 * posting without a discord.js Client.
 */
export function restMessage(data: MessageData): { body: RestMessageBody; files: RawFile[] } {
  const mentions = data.allowedMentions;
  const files: RawFile[] = [];
  const attachments: RestMessageBody['attachments'] = [];
  for (const [index, file] of data.files.entries()) {
    if (!Buffer.isBuffer(file.attachment)) throw new Error('Discord REST posts take image bytes only.');
    files.push({ name: file.name ?? `image-${index}`, data: file.attachment });
    attachments.push({ id: String(index), ...(file.description && { description: file.description }) });
  }
  return {
    body: {
      content: data.content,
      components: data.components.map((row) => row.toJSON()),
      allowed_mentions: {
        parse: [...(mentions.parse ?? [])],
        ...(mentions.users && { users: [...mentions.users] }),
        ...(mentions.roles && { roles: [...mentions.roles] }),
        ...(mentions.repliedUser !== undefined && { replied_user: mentions.repliedUser }),
      },
      attachments,
    },
    files,
  };
}
