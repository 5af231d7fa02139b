/** Platform-neutral replies: adapters turn these into Discord messages, Slack blocks or terminal lines. */
import { z } from 'zod';

export interface ReplyImage {
  bytes: Buffer;
  fileName: string;
  mediaType: string;
  /** The prompt, for screen readers. */
  altText: string;
}

export const zoomActions = ['zoom-1.5', 'zoom-2'] as const;
export const panActions = ['pan-left', 'pan-right', 'pan-up', 'pan-down'] as const;
export const buttonActions = [
  'reroll',
  'variations',
  'upscale',
  'edit',
  'delete',
  'pick',
  ...zoomActions,
  ...panActions,
] as const;
export type ButtonAction = (typeof buttonActions)[number];
export type ZoomAction = (typeof zoomActions)[number];
export type PanAction = (typeof panActions)[number];

/** Most images one result shows, so the most an image number on a button can be. */
export const maxImageNumber = 10;

/**
 * What a pressed button names: an action, a job and (per-image buttons) which of its images, 1-based. Adapters
 * read it back from the platform's ids with this schema, so a forged or old id is refused at the edge.
 */
export const buttonTargetSchema = z.object({
  action: z.enum(buttonActions),
  jobId: z.string().regex(/^[\w-]{1,64}$/),
  image: z.coerce.number().int().min(1).max(maxImageNumber).optional(),
});
export type ButtonTarget = z.infer<typeof buttonTargetSchema>;

/** A button carries an action, a job id and maybe an image number, nothing else, so it works after a restart. */
export interface ReplyButton {
  action: ButtonAction;
  jobId: string;
  /** Per-image buttons (U2, V2): the image they act on, 1-based. */
  image?: number;
  label: string;
  /** Buttons with the same row sit together; a platform wraps a row at its own limit. */
  row?: number;
}

/** The buttons grouped by row, in order (a missing row is row 0). */
export function buttonRows(buttons: readonly ReplyButton[]): ReplyButton[][] {
  const rows: ReplyButton[][] = [];
  let current: ReplyButton[] | undefined;
  let currentRow: number | undefined;
  for (const button of buttons) {
    const row = button.row ?? 0;
    if (current === undefined || row !== currentRow) {
      current = [];
      currentRow = row;
      rows.push(current);
    }
    current.push(button);
  }
  return rows;
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
  /** A job that posts its own replies at its destination: the adapter shows nothing for this one. */
  pending?: boolean;
}

/** The answer to a command whose job was queued and will post its own progress and outcome. */
export function pendingReply(jobId: string): Reply {
  return { kind: 'info', text: '', images: [], buttons: [], ephemeral: true, jobId, pending: true };
}

export function infoReply(text: string, options: { ephemeral?: boolean } = {}): Reply {
  return { kind: 'info', text, images: [], buttons: [], ephemeral: options.ephemeral ?? true };
}
