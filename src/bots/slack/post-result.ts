import type { webApi } from '@slack/bolt';
import type { Brain } from '../../commands/brain.js';
import type { Reply } from '../../commands/reply.js';
import { postPublicMessage } from './public-message.js';
import { messageKey, messageUrl } from './slack-ids.js';

export interface PublicPlace {
  client: webApi.WebClient;
  brain: Brain;
  channel: string;
  /** The thread to post in; absent: a new top-level message, whose own thread takes the images. */
  threadTs?: string;
}

/**
 * A public reply posted by the adapter, with the thread and message linked to the job before the images upload.
 * A failed job shown in a placeholder is not something to continue from. Returns the message's ts.
 */
export async function postPublicReply(place: PublicPlace, reply: Reply, reuseTs?: string): Promise<string> {
  const { channel } = place;
  const linkJob = async ({ ts, threadTs }: { ts: string; threadTs: string }) => {
    if (reply.jobId === undefined || reply.kind === 'error') return;
    await place.brain.linkResult(reply.jobId, {
      threadKey: messageKey(channel, threadTs),
      messageKey: messageKey(channel, ts),
      messageUrl: messageUrl(channel, ts),
    });
  };
  const posted = await postPublicMessage(place, reply, reuseTs, linkJob);
  return posted.ts;
}
