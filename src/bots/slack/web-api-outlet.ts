/**
 * Slack's `ReplyOutlet`: posts a job's replies with the Web API client alone (bot token + channel), so any
 * process can deliver any job; no Bolt app, socket or pending `respond` is needed.
 *
 * - Progress steps edit the public placeholder (`messageTs`) with chat.update, or replace the ephemeral queued
 *   note through `responseUrl`; without either, 'queued' and 'continuing' become an ephemeral message.
 * - A public outcome replaces the placeholder or is a new message (in `threadTs` when set), its images uploaded
 *   into the thread; the queued note is then marked done. A private outcome replaces the note.
 * - A response_url takes 5 posts within 30 minutes: the posts are counted in the store (shared by every
 *   process), progress may use 2 of them, and past that private replies fall back to chat.postEphemeral.
 */
import { createHash } from 'node:crypto';
import { webApi } from '@slack/bolt';
import type { DeliveryStep, Landed, Posted, ReplyOutlet } from '../../commands/delivery.js';
import { progressText } from '../../commands/replies/index.js';
import type { Reply } from '../../commands/reply.js';
import type { Logger } from '../../core/logger.js';
import type { JobEvents } from '../../core/observe/job-events.js';
import type { Store } from '../../core/store/store.js';
import { hourglass } from './answer-message.js';
import { type SlackDestination, slackDestinationSchema } from './destination.js';
import { postPublicMessage } from './public-message.js';
import { plainMessage, renderReply, type SlackMessage } from './render-reply.js';
import { slackFailureText, slackMetricCode } from './slack-errors.js';
import { sendWithRetries } from './slack-http-retry.js';
import { messageKey, messageUrl } from './slack-ids.js';

export interface SlackWebApiOutletOptions {
  client: webApi.WebClient;
  /** Counts response_url posts across processes. */
  store: Store;
  logger: Pick<Logger, 'warn'>;
  fetch?: typeof globalThis.fetch;
  /** Counts the replies Slack refused (metrics). */
  events?: Pick<JobEvents, 'platformError'>;
}

const responseUrlPosts = 5;
const responseUrlProgressPosts = 2;
const responseUrlLifetimeMs = 30 * 60 * 1000;
const progressSteps: readonly DeliveryStep[] = ['queued', 'progress', 'continuing'];

export function createSlackWebApiOutlet(options: SlackWebApiOutletOptions): ReplyOutlet<SlackDestination> {
  const { client, store, logger } = options;
  const fetch = options.fetch ?? globalThis.fetch;
  // Progress edits of a placeholder never retry: an edit sent again after a failure (the client's retries wait
  // seconds) would land over the outcome posted meanwhile. The next progress edit, or the outcome, follows anyway.
  const progressClient = new webApi.WebClient(client.token, {
    slackApiUrl: client.slackApiUrl,
    retryConfig: { retries: 0 },
    fetch,
    // A failed edit is thrown to the caller, which logs it.
    logLevel: webApi.LogLevel.ERROR,
  });
  const refused = (error: unknown) => options.events?.platformError('slack', slackMetricCode(error));

  /** Takes one of the response_url's posts; when the store cannot answer, tries anyway. */
  const takePost = async (responseUrl: string, limit: number): Promise<boolean> => {
    const key = `slack-response-url:${createHash('sha256').update(responseUrl).digest('hex').slice(0, 32)}`;
    try {
      return (await store.reserve(key, limit, responseUrlLifetimeMs)).ok;
    } catch (error) {
      logger.warn('could not count a response_url post; posting anyway', { error });
      return true;
    }
  };

  /**
   * Replaces the note. An outcome's post is sent again after a 429 or 5xx (it replaces the same note, so twice is
   * harmless); a progress note is not: sent late, it would land over the outcome.
   */
  const respond = async (responseUrl: string, message: SlackMessage, retry: boolean) => {
    const body = JSON.stringify({ response_type: 'ephemeral', replace_original: true, ...message });
    const send = async () => {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      // Read, not cancelled: Slack answers `ok`, leanFetch already holds those bytes, and cancelling would first
      // build the stream it cancels.
      await response.arrayBuffer();
      return { status: response.status, headers: Object.fromEntries(response.headers) };
    };
    const status = retry ? await sendWithRetries("Slack's response_url", send) : (await send()).status;
    if (status < 200 || status > 299) {
      throw Object.assign(new Error(`Slack's response_url answered ${status}`), { statusCode: status });
    }
  };

  /** Replaces the ephemeral note while the response_url has posts left; an ephemeral message after that. */
  const privately = async (
    destination: SlackDestination,
    message: SlackMessage,
    limit: number,
    retry = true,
  ) => {
    if (destination.responseUrl !== undefined && (await takePost(destination.responseUrl, limit))) {
      await respond(destination.responseUrl, message, retry);
      return;
    }
    await client.chat.postEphemeral({
      channel: destination.channelId,
      user: destination.requesterId,
      ...(destination.threadTs !== undefined && { thread_ts: destination.threadTs }),
      ...message,
    });
  };

  async function deliverProgress(destination: SlackDestination, reply: Reply, step: DeliveryStep) {
    const message = plainMessage(reply.text);
    if (destination.messageTs !== undefined) {
      await progressClient.chat.update({
        channel: destination.channelId,
        ts: destination.messageTs,
        ...message,
      });
      return;
    }
    if (step !== 'progress') {
      await privately(destination, message, responseUrlPosts, false);
      return;
    }
    if (
      destination.responseUrl !== undefined &&
      (await takePost(destination.responseUrl, responseUrlProgressPosts))
    )
      await respond(destination.responseUrl, message, false);
  }

  async function deliverOutcome(
    destination: SlackDestination,
    reply: Reply,
    landed?: Landed,
  ): Promise<Posted> {
    const channel = destination.channelId;
    // The placeholder is public, so even a private outcome takes its place rather than leave it behind.
    if (reply.ephemeral && destination.messageTs === undefined) {
      await privately(destination, renderReply(reply), responseUrlPosts);
      return { messageKeys: [] };
    }
    const posted = await postPublicMessage(
      { client, channel, ...(destination.threadTs !== undefined && { threadTs: destination.threadTs }) },
      reply,
      destination.messageTs,
    );
    const where = {
      messageKeys: [messageKey(channel, posted.ts)],
      messageUrl: messageUrl(channel, posted.ts),
      threadKey: messageKey(channel, posted.threadTs),
    };
    await landed?.(where);
    if (destination.responseUrl !== undefined) {
      await privately(
        destination,
        plainMessage(reply.kind === 'error' ? `❌ ${reply.text}` : progressText({ jobId: '', type: 'done' })),
        responseUrlPosts,
      ).catch((error: unknown) => logger.warn('could not mark the queued note done', { error, channel }));
    }
    return where;
  }

  return {
    platform: 'slack',
    destinationSchema: slackDestinationSchema,
    async deliver(destination, reply, step, landed) {
      if (progressSteps.includes(step)) {
        await deliverProgress(destination, reply, step).catch((error: unknown) => {
          refused(error);
          throw error;
        });
        return { messageKeys: [] };
      }
      try {
        return await deliverOutcome(destination, reply, landed);
      } catch (error) {
        refused(error);
        // The Web API client retried already: tell the requester what to fix instead of failing silently.
        logger.warn('could not post a result to Slack', { error, channel: destination.channelId });
        await privately(destination, plainMessage(slackFailureText(error)), responseUrlPosts).catch(
          (second: unknown) => logger.warn('could not tell the requester either', { error: second }),
        );
        return { messageKeys: [] };
      } finally {
        if (destination.reactionTs !== undefined) {
          await client.reactions
            .remove({ channel: destination.channelId, timestamp: destination.reactionTs, name: hourglass })
            .catch((error: unknown) => logger.warn('could not remove the hourglass', { error }));
        }
      }
    },
  };
}
