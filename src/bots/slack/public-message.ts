import type { webApi } from '@slack/bolt';
import type { Reply } from '../../commands/reply.js';
import { renderReply } from './render-reply.js';
import { uploadImages } from './upload-images.js';

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
 * A public reply: the message (new, or `reuseTs` edited into it), then the images uploaded into the thread.
 * `beforeImages` runs once the message exists and before the upload (post-result.ts links the job there, so a
 * reply typed in the thread while the images upload already finds it).
 */
export async function postPublicMessage(
  place: PublicMessagePlace,
  reply: Reply,
  reuseTs?: string,
  beforeImages?: (posted: PublicMessage) => Promise<void>,
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
  const landed = { ts, threadTs: place.threadTs ?? ts };
  await beforeImages?.(landed);
  if (reply.images.length > 0)
    await uploadImages({ client, channel, threadTs: landed.threadTs }, reply.images);
  return landed;
}
