import type { CommandContext } from '../../commands/context.js';
import type { ProgressEvent } from '../../core/jobs/job.js';
import type { AccessPolicy, SlackPlace } from './access.js';
import type { SlackDestination } from './destination.js';
import { channelKey, messageKey, userKey } from './slack-ids.js';

/** Slack takes files up to 1 GB; the brain fits results under this. */
export const slackUploadLimitBytes = 1024 * 1024 * 1024;

export interface ContextInput extends SlackPlace {
  userName?: string;
  /** The thread the message sits in (its root's ts). */
  threadTs?: string;
  onProgress?: (event: ProgressEvent) => void;
  /** Where the request's job posts its replies itself (see CommandContext.destination). */
  destination?: () => Promise<SlackDestination>;
  /** When the ack showed the queued note. */
  noteShownAt?: number;
}

/** A Slack request as the brain sees it: platform-qualified ids, admins from config. */
export function slackContext(input: ContextInput, access: AccessPolicy): CommandContext {
  return {
    platform: 'slack',
    user: {
      id: userKey(input.team, input.user),
      ...(input.userName !== undefined && { name: input.userName }),
      isAdmin: access.isAdmin(input.user),
    },
    channelId: channelKey(input.channel),
    ...(input.threadTs !== undefined && { threadId: messageKey(input.channel, input.threadTs) }),
    uploadLimitBytes: slackUploadLimitBytes,
    ...(input.onProgress !== undefined && { onProgress: input.onProgress }),
    ...(input.destination !== undefined && { destination: input.destination }),
    ...(input.noteShownAt !== undefined && { noteShownAt: input.noteShownAt }),
  };
}
