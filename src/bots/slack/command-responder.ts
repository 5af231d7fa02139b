import type { RespondFn, webApi } from '@slack/bolt';
import { progressText } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import { throttledProgress } from '../../commands/throttled-progress.js';
import type { ProgressEvent } from '../../core/jobs/job.js';
import type { SlackDeps } from './deps.js';
import { postPublicReply } from './post-result.js';
import { plainMessage, renderReply, type SlackMessage } from './render-reply.js';
import { slackFailureText } from './slack-errors.js';

/** Slack takes five posts to a response_url; progress may use two of them. */
const responseUrlPosts = 5;
const progressPosts = 2;

export interface CommandTarget {
  client: webApi.WebClient;
  respond: RespondFn;
  channel: string;
  user: string;
  /** Whether the ack showed the "queued" note (the first private reply replaces it). */
  noteShown: boolean;
}

export interface CommandResponder {
  onProgress(event: ProgressEvent): void;
  deliver(replies: readonly Reply[]): Promise<void>;
}

/**
 * Replies to `/imagine`: the ephemeral "queued" note (the ack) is updated with progress through the
 * response_url, results are posted in the channel, private replies replace the note.
 */
export function createCommandResponder(target: CommandTarget, deps: SlackDeps): CommandResponder {
  const { client, channel } = target;
  let posts = 0;
  let noteReplaced = !target.noteShown;
  // Replacing the note while posts are left; after that, an ephemeral message of the bot's own.
  const sendPrivate = async (message: SlackMessage, replaceNote: boolean) => {
    if (posts < responseUrlPosts) {
      posts += 1;
      await target.respond({ response_type: 'ephemeral', replace_original: replaceNote, ...message });
      return;
    }
    await client.chat.postEphemeral({ channel, user: target.user, ...message });
  };
  const progress = throttledProgress((text) => sendPrivate(plainMessage(text), true), {
    now: deps.now,
    intervalMs: deps.progressIntervalMs,
    maxRenders: progressPosts,
    ...(target.noteShown && { acknowledgedAt: deps.now() }),
    logger: deps.logger,
  });
  const privately = async (message: SlackMessage) => {
    try {
      await sendPrivate(message, !noteReplaced);
      noteReplaced = true;
    } catch (error) {
      deps.logger.warn('could not answer a slash command privately', { error, channel });
    }
  };
  return {
    onProgress: (event) => progress.update(event),
    async deliver(replies) {
      await progress.settle();
      let posted = false;
      for (const reply of replies) {
        // Its job posts its own progress and outcome.
        if (reply.pending) continue;
        if (reply.ephemeral) {
          await privately(renderReply(reply));
          continue;
        }
        try {
          await postPublicReply({ client, brain: deps.brain, channel }, reply);
          posted = true;
        } catch (error) {
          deps.logger.warn('could not post a result to Slack', { error, channel });
          await privately(plainMessage(slackFailureText(error)));
        }
      }
      // The "queued" note would stay behind otherwise.
      if (posted && !noteReplaced) await privately(plainMessage(progressText({ jobId: '', type: 'done' })));
    },
  };
}
