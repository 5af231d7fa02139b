import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadImages } from '../../../src/bots/slack/upload-images.js';
import type { ReplyImage } from '../../../src/commands/reply.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack/index.js';

const image = (fill: number, fileName: string, altText: string): ReplyImage => ({
  bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(70_000, fill)]),
  fileName,
  mediaType: 'image/png',
  altText,
});

describe('uploadImages', () => {
  let slack: FakeSlack;
  let client: webApi.WebClient;
  beforeEach(async () => {
    slack = await startFakeSlack();
    client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it('asks an upload URL per image, sends each image as the multipart part "body", completes them in the thread', async () => {
    const images = [image(1, 'fox-1.png', 'a red fox'), image(2, 'fox-2.png', 'a red fox')];
    await uploadImages({ client, channel: 'C0001', threadTs: '1700000000.000100' }, images);

    const asked = slack.calls('files.getUploadURLExternal').map((call) => call.params);
    expect(asked).toEqual([
      { filename: 'fox-1.png', length: '70004', alt_text: 'a red fox' },
      { filename: 'fox-2.png', length: '70004', alt_text: 'a red fox' },
    ]);
    const uploads = slack.log.filter((entry) => entry.kind === 'upload');
    expect(uploads.map((entry) => entry.partName)).toEqual(['body', 'body']);
    // The bot token goes to Slack's API only, not to the URL an answer handed out.
    expect(uploads.every((entry) => entry.authorization === undefined)).toBe(true);
    const completed = slack.calls('files.completeUploadExternal');
    expect(completed).toHaveLength(1);
    expect(completed[0]?.params.channel_id).toBe('C0001');
    expect(completed[0]?.params.thread_ts).toBe('1700000000.000100');
    expect(
      slack.shared.map(({ title, bytes, altText, threadTs }) => ({ title, bytes, altText, threadTs })),
    ).toEqual(
      images.map((sent) => ({
        title: sent.fileName,
        bytes: sent.bytes,
        altText: 'a red fox',
        threadTs: '1700000000.000100',
      })),
    );
  });

  it('completes nothing when an upload URL keeps refusing the bytes (a first try and 3 more)', async () => {
    slack.fault({ method: 'upload', kind: 'status', status: 500, times: 4 });
    const error: unknown = await uploadImages({ client, channel: 'C0001', threadTs: '1700000000.000100' }, [
      image(3, 'fox.png', 'a fox'),
    ]).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(Error);
    expect(slack.log.filter((entry) => entry.kind === 'upload')).toHaveLength(4);
    expect(slack.calls('files.completeUploadExternal')).toEqual([]);
  });
});
