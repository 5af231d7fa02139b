import type { webApi } from '@slack/bolt';
import { progressText } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import { throttledProgress } from '../../commands/throttled-progress.js';
import type { ProgressEvent } from '../../core/jobs/job.js';
import type { SlackDeps } from './deps.js';
import type { SlackDestination } from './destination.js';
import { postPublicReply } from './post-result.js';
import { plainMessage, renderReply, type SlackMessage } from './render-reply.js';
import { slackFailureText } from './slack-errors.js';

export interface ThreadTarget {
  client: webApi.WebClient;
  channel: string;
  /** Where replies go; absent: the channel itself (a result then starts its own thread). */
  threadTs?: string;
  /** Who asked: ephemeral replies are shown to them only. */
  user: string;
}

export interface ThreadResponder {
  onProgress(event: ProgressEvent): void;
  /** Posts the brain's replies; `sourceTs` is the message a delete button was pressed on. */
  deliver(replies: readonly Reply[], sourceTs?: string): Promise<void>;
  /** A private note to the requester (a refused download, a failure). */
  tell(text: string): Promise<void>;
  /**
   * Where a job posts its own replies: a public placeholder (the queued note) posted now, which its progress
   * edits and its outcome replaces; `team` qualifies the requester. `reactionTs`: the hourglass to take off.
   */
  destination(team: string, reactionTs?: string): Promise<SlackDestination>;
}

/**
 * Replies for messages, mentions, buttons and the edit modal: a placeholder shows queue position and elapsed
 * time, then becomes the first reply (a result, or the error that ended the job).
 */
export function createThreadResponder(target: ThreadTarget, deps: SlackDeps): ThreadResponder {
  const { client, channel } = target;
  const thread = target.threadTs === undefined ? {} : { thread_ts: target.threadTs };
  let placeholderTs: string | undefined;
  const progress = throttledProgress(
    async (text) => {
      if (placeholderTs === undefined) {
        const posted = await client.chat.postMessage({ channel, ...thread, ...plainMessage(text) });
        placeholderTs = posted.ts;
      } else {
        await client.chat.update({ channel, ts: placeholderTs, ...plainMessage(text) });
      }
    },
    { now: deps.now, intervalMs: deps.progressIntervalMs, logger: deps.logger },
  );
  const ephemeral = async (message: SlackMessage) => {
    await client.chat.postEphemeral({ channel, user: target.user, ...thread, ...message });
  };
  const tell = async (text: string) => {
    try {
      await ephemeral(plainMessage(text));
    } catch (error) {
      deps.logger.warn('could not send an ephemeral message', { error, channel });
    }
  };
  return {
    onProgress: (event) => progress.update(event),
    tell,
    async destination(team, reactionTs) {
      const posted = await client.chat.postMessage({
        channel,
        ...thread,
        ...plainMessage(progressText({ jobId: '', type: 'queued', position: 0 })),
      });
      return {
        platform: 'slack',
        teamId: team,
        channelId: channel,
        ...(target.threadTs !== undefined && { threadTs: target.threadTs }),
        requesterId: target.user,
        ...(posted.ts !== undefined && { messageTs: posted.ts }),
        ...(reactionTs !== undefined && { reactionTs }),
      };
    },
    async deliver(replies, sourceTs) {
      await progress.settle();
      let reusable = placeholderTs;
      for (const reply of replies) {
        // Its job posts its own progress and outcome.
        if (reply.pending) continue;
        try {
          if (reply.deleteMessage) {
            if (sourceTs !== undefined) await client.chat.delete({ channel, ts: sourceTs });
            continue;
          }
          if (reply.ephemeral && reusable === undefined) {
            await ephemeral(renderReply(reply));
            continue;
          }
          // The placeholder was public, so the job's outcome (even an error) takes its place.
          const place = {
            client,
            brain: deps.brain,
            channel,
            ...(target.threadTs && { threadTs: target.threadTs }),
          };
          await postPublicReply(place, reply, reusable);
          reusable = undefined;
        } catch (error) {
          deps.logger.warn('could not post a reply to Slack', { error, channel });
          await tell(slackFailureText(error));
        }
      }
      if (reusable !== undefined) await client.chat.delete({ channel, ts: reusable }).catch(() => {});
    },
  };
}
