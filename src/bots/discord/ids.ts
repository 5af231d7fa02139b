import { type ButtonAction, buttonActions } from '../../commands/reply.js';

/*
 * Platform-qualified keys the brain stores, and the custom ids Discord hands back. A custom id carries only an
 * action and a job id (≤ 100 characters), so buttons and modals work after a restart and on old messages.
 */

export const userKey = (userId: string) => `discord:${userId}`;
export const channelKey = (channelId: string) => `discord:${channelId}`;
export const threadKey = (threadId: string) => `discord:${threadId}`;
export const messageKey = (channelId: string, messageId: string) => `discord:${channelId}:${messageId}`;

export const buttonId = (action: ButtonAction, jobId: string) => `imagine:${action}:${jobId}`;
/** The modal the edit button opens. */
export const editModalId = (jobId: string) => `imagine-modal:edit:${jobId}`;
/** The modal "Edit with imagine" opens on a message. */
export const messageModalId = (channelId: string, messageId: string) =>
  `imagine-modal:message:${channelId}:${messageId}`;
export const instructionFieldId = 'instruction';

export type ParsedCustomId =
  | { kind: 'button'; action: ButtonAction; jobId: string }
  | { kind: 'edit-modal'; jobId: string }
  | { kind: 'message-modal'; channelId: string; messageId: string };

export function parseCustomId(customId: string): ParsedCustomId | undefined {
  const [prefix, kind, first, second, ...rest] = customId.split(':');
  if (rest.length > 0 || !first) return undefined;
  if (prefix === 'imagine' && second === undefined) {
    const action = buttonActions.find((candidate) => candidate === kind);
    return action ? { kind: 'button', action, jobId: first } : undefined;
  }
  if (prefix !== 'imagine-modal') return undefined;
  if (kind === 'edit' && second === undefined) return { kind: 'edit-modal', jobId: first };
  if (kind === 'message' && second) return { kind: 'message-modal', channelId: first, messageId: second };
  return undefined;
}
