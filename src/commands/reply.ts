/** Platform-neutral replies: adapters turn these into Discord messages, Slack blocks or terminal lines. */

export interface ReplyImage {
  bytes: Buffer;
  fileName: string;
  mediaType: string;
  /** The prompt, for screen readers. */
  altText: string;
}

export const buttonActions = ['reroll', 'variations', 'upscale', 'edit', 'delete', 'pick'] as const;
export type ButtonAction = (typeof buttonActions)[number];

/** A button carries an action and a job id, nothing else, so it works after a restart. */
export interface ReplyButton {
  action: ButtonAction;
  jobId: string;
  label: string;
}

export interface Reply {
  kind: 'result' | 'error' | 'info';
  /** Plain text; may contain user text, which adapters must send without pinging anyone. */
  text: string;
  images: ReplyImage[];
  /** Model, size, seed, time taken, revised prompt. */
  caption?: string;
  /** Warnings, as a short footnote. */
  footnote?: string;
  /** Every warning in full, for a front end that can show more than the footnote (the chat's `/warnings`). */
  warnings?: readonly string[];
  buttons: ReplyButton[];
  /** Seen only by the user who asked. */
  ephemeral: boolean;
  /** The job this reply shows, when it shows one (adapters link threads and messages to it). */
  jobId?: string;
  /** Users this reply may ping (the requester, when a late result is posted as a plain message). */
  mention?: string[];
  /** The adapter should delete the message that shows `jobId` (the delete button). */
  deleteMessage?: boolean;
  /** Suggested thread name for a result that starts a conversation. */
  threadName?: string;
}

export function infoReply(text: string, options: { ephemeral?: boolean } = {}): Reply {
  return { kind: 'info', text, images: [], buttons: [], ephemeral: options.ephemeral ?? true };
}
