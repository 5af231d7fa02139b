import type { webApi } from '@slack/bolt';
import type { Reply } from '../../commands/reply.js';
import { renderReply } from './render-reply.js';

export interface PublicMessagePlace {
  client: webApi.WebClient;
  channel: string;
  /** The thread to post in; absent: a new top-level message, whose own thread takes the images. */
  threadTs?: string;
}

/** Where a public reply landed: its message, and the thread holding its images. */
export interface PublicMessage {
  ts: string;
  threadTs: string;
}

/**
 * A public reply without the brain: the message (new, or `reuseTs` edited into it), then the images uploaded
 * into the thread. The caller links the job afterwards. (post-result.ts does the same and links in between.)
 */
export async function postPublicMessage(
  place: PublicMessagePlace,
  reply: Reply,
  reuseTs?: string,
): Promise<PublicMessage> {
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
  if (reply.images.length > 0) {
    await client.files.uploadV2({
      channel_id: channel,
      thread_ts: threadTs,
      file_uploads: reply.images.map((image) => ({
        file: image.bytes,
        filename: image.fileName,
        alt_text: image.altText,
      })),
    });
  }
  return { ts, threadTs };
}
