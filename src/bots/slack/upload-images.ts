import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { webApi } from '@slack/bolt';
import { request } from 'undici';
import type { ReplyImage } from '../../commands/reply.js';
import { sendWithRetries } from './slack-http-retry.js';

export interface UploadPlace {
  client: webApi.WebClient;
  channel: string;
  threadTs: string;
}

/** The multipart body around the image, sent as three pieces: the image's own Buffer is never copied. */
function multipartPieces(image: ReplyImage): { pieces: Buffer[]; contentType: string } {
  const boundary = `imagine-bot-${randomBytes(12).toString('hex')}`;
  const filename = image.fileName.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="body"; filename="${filename}"\r\n` +
      `Content-Type: ${image.mediaType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { pieces: [head, image.bytes, tail], contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Sends the bytes to their upload URL; a 429 or 5xx is sent again (the Web API client does so for its calls). */
async function sendToUploadUrl(uploadUrl: string, image: ReplyImage): Promise<void> {
  const { pieces, contentType } = multipartPieces(image);
  const length = pieces.reduce((total, piece) => total + piece.length, 0);
  const status = await sendWithRetries(`Slack's upload URL for ${image.fileName}`, async () => {
    const answer = await request(uploadUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': String(length) },
      body: Readable.from(pieces, { objectMode: false }),
    });
    await answer.body.dump();
    return { status: answer.statusCode, headers: answer.headers };
  });
  if (status !== 200) {
    throw new Error(`Slack's upload URL answered ${status} for ${image.fileName}`);
  }
}

/**
 * files.uploadV2's three steps (get an upload URL per file, send the bytes, complete into the thread), with the
 * bytes streamed from their Buffer. `@slack/web-api`'s own upload copies each file into a Uint8Array and a Blob
 * synchronously and pulls it through web streams: with 20 images of 45 MiB that blocks the event loop for seconds.
 */
export async function uploadImages(place: UploadPlace, images: readonly ReplyImage[]): Promise<void> {
  const { client } = place;
  const files = await Promise.all(
    images.map(async (image) => {
      const target = await client.files.getUploadURLExternal({
        filename: image.fileName,
        length: image.bytes.byteLength,
        alt_text: image.altText,
      });
      if (!target.upload_url || !target.file_id) {
        throw new Error('files.getUploadURLExternal answered without an upload URL');
      }
      await sendToUploadUrl(target.upload_url, image);
      return { id: target.file_id, title: image.fileName };
    }),
  );
  const [first, ...rest] = files;
  if (first === undefined) return;
  await client.files.completeUploadExternal({
    channel_id: place.channel,
    thread_ts: place.threadTs,
    files: [first, ...rest],
  });
}
