import type { webApi } from '@slack/bolt';
import type { Brain } from '../../commands/brain.js';
import type { Reply } from '../../commands/reply.js';
import { renderReply } from './render-reply.js';
import { messageKey } from './slack-ids.js';
import { uploadImages } from './upload-images.js';

export interface PublicPlace {
  client: webApi.WebClient;
  brain: Brain;
  channel: string;
  /** The thread to post in; absent: a new top-level message, whose own thread takes the images. */
  threadTs?: string;
}

/**
 * A public reply: a message with the text, caption and buttons (a new one, or `reuseTs`, the progress
 * placeholder, edited into it), the images uploaded into the thread, the thread and message linked to the job.
 * Returns the message's ts.
 */
export async function postPublicReply(place: PublicPlace, reply: Reply, reuseTs?: string): Promise<string> {
  const { client, channel } = place;
  const message = renderReply(reply);
  let ts = reuseTs;
  if (ts === undefined) {
    const posted = await client.chat.postMessage({
      channel,
      ...(place.threadTs !== undefined && { thread_ts: place.threadTs }),
      ...message,
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
    ts = posted.ts;
  } else {
    await client.chat.update({ channel, ts, ...message });
  }
  const threadTs = place.threadTs ?? ts;
  // Linked before the upload, so a reply typed in the thread while the images upload already finds the job.
  // A failed job shown in a placeholder is not something to continue from.
  if (reply.jobId !== undefined && reply.kind !== 'error') {
    await place.brain.linkResult(reply.jobId, {
      threadKey: messageKey(channel, threadTs),
      messageKey: messageKey(channel, ts),
    });
  }
  if (reply.images.length > 0) await uploadImages({ client, channel, threadTs }, reply.images);
  return ts;
}
