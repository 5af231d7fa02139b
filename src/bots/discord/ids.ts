import { type ButtonTarget, buttonTargetSchema } from '../../commands/reply.js';

/*
 * Platform-qualified keys the brain stores, and the custom ids Discord hands back. A button's custom id carries
 * only an action, a job id and maybe an image number (`imagine:upscale:<job>:2`, ≤ 100 characters and unique in
 * its message), so buttons and modals work after a restart and on old messages.
 */

export const userKey = (userId: string) => `discord:${userId}`;
export const channelKey = (channelId: string) => `discord:${channelId}`;
export const threadKey = (threadId: string) => `discord:${threadId}`;
export const messageKey = (channelId: string, messageId: string) => `discord:${channelId}:${messageId}`;
/** A browser link to a message (the team board's "Open the message"); `@me` outside a server. */
export const messageUrl = (guildId: string | null | undefined, channelId: string, messageId: string) =>
  `https://discord.com/channels/${guildId ?? '@me'}/${channelId}/${messageId}`;

export const buttonId = (button: ButtonTarget) =>
  `imagine:${button.action}:${button.jobId}${button.image === undefined ? '' : `:${button.image}`}`;
/** The modal the edit button opens. */
export const editModalId = (jobId: string) => `imagine-modal:edit:${jobId}`;
/** The modal "Edit with imagine" opens on a message. */
export const messageModalId = (channelId: string, messageId: string) =>
  `imagine-modal:message:${channelId}:${messageId}`;
export const instructionFieldId = 'instruction';

export type ParsedCustomId =
  | ({ kind: 'button' } & ButtonTarget)
  | { kind: 'edit-modal'; jobId: string }
  | { kind: 'message-modal'; channelId: string; messageId: string };

export function parseCustomId(customId: string): ParsedCustomId | undefined {
  const [prefix, kind, first, second, ...rest] = customId.split(':');
  if (rest.length > 0 || !first) return undefined;
  if (prefix === 'imagine') {
    const target = buttonTargetSchema.safeParse({
      action: kind,
      jobId: first,
      ...(second !== undefined && { image: second }),
    });
    return target.success ? { kind: 'button', ...target.data } : undefined;
  }
  if (prefix !== 'imagine-modal') return undefined;
  if (kind === 'edit' && second === undefined) return { kind: 'edit-modal', jobId: first };
  if (kind === 'message' && second) return { kind: 'message-modal', channelId: first, messageId: second };
  return undefined;
}
