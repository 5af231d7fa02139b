import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, signInPage, startFakeSlack } from './index.js';

describe('the fake Slack', () => {
  let slack: FakeSlack;
  let client: webApi.WebClient;
  beforeEach(async () => {
    slack = await startFakeSlack();
    client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it.each(['form', 'split'] as const)(
    'takes files.uploadV2 in its three requests and shares the exact bytes in the thread (uploads read as %s)',
    async (uploads) => {
      if (uploads === 'split') {
        await slack.close();
        slack = await startFakeSlack({ uploads });
        client = new webApi.WebClient(slack.botToken, {
          slackApiUrl: slack.apiUrl,
          retryConfig: { retries: 0 },
        });
      }
      const posted = await client.chat.postMessage({ channel: 'C0001', text: 'parent' });
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      await client.files.uploadV2({
        channel_id: 'C0001',
        thread_ts: posted.ts ?? '',
        file_uploads: [{ file: bytes, filename: 'out.png', alt_text: 'a cat' }],
      });
      expect(slack.log.map((entry) => (entry.kind === 'api' ? entry.method : entry.kind))).toEqual([
        'chat.postMessage',
        'files.getUploadURLExternal',
        'upload',
        'files.completeUploadExternal',
      ]);
      expect(slack.log[2]).toMatchObject({
        kind: 'upload',
        partName: 'body',
        bytes,
        authorization: `Bearer ${slack.botToken}`,
      });
      expect(slack.shared).toEqual([
        {
          id: expect.any(String),
          title: 'out.png',
          channel: 'C0001',
          threadTs: posted.ts,
          bytes,
          filename: 'out.png',
          altText: 'a cat',
        },
      ]);
    },
  );

  it('reads a body sent in chunks, without a length, as whole as one with a length', async () => {
    const form = new URLSearchParams({ channel: 'C0001', text: 'sent in two pieces' }).toString();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(form.slice(0, 9)));
        controller.enqueue(encoder.encode(form.slice(9)));
        controller.close();
      },
    });
    const answer = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${slack.botToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(await answer.json()).toMatchObject({ ok: true, channel: 'C0001' });
    expect(slack.messages().map((message) => message.text)).toEqual(['sent in two pieces']);
  });

  it('answers faults: ok:false errors, 5xx, and 429 with Retry-After', async () => {
    slack.fault({ method: 'chat.postMessage', kind: 'error', error: 'not_in_channel' });
    await expect(client.chat.postMessage({ channel: 'C0001', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'not_in_channel' },
    });
    slack.fault({ method: 'chat.update', kind: 'status', status: 503 });
    await expect(client.chat.update({ channel: 'C0001', ts: '1', text: 'x' })).rejects.toMatchObject({
      statusCode: 503,
    });
    slack.fault({ method: 'reactions.add', kind: 'ratelimited', retryAfterSeconds: 7 });
    const limited = await fetch(`${slack.apiUrl}reactions.add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect((await client.reactions.add({ channel: 'C0001', timestamp: '1', name: 'x' })).ok).toBe(true);
  });

  it('serves private files only with the bot token (a sign-in page otherwise) and counts response_url posts', async () => {
    const bytes = Buffer.from('png-bytes');
    const file = slack.addFile({ name: 'in.png', bytes, mimetype: 'image/png' });
    const url = String(file.url_private_download);
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${slack.botToken}` } });
    expect(Buffer.from(await withToken.arrayBuffer())).toEqual(bytes);
    const without = await fetch(url);
    expect(without.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await without.text()).toBe(signInPage);

    const responseUrl = slack.responseUrl();
    const statuses: number[] = [];
    for (let post = 0; post < 6; post += 1) {
      const response = await fetch(responseUrl, {
        method: 'POST',
        body: JSON.stringify({ text: `#${post}` }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });
});
