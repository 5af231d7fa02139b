import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './index.js';

const started: FakeSlack[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((slack) => slack.close()));
});

/** Posts `count` messages with bare HTTP (no client retries); each answer's status and Retry-After. */
async function postMessages(slack: FakeSlack, count: number) {
  const answers: { status: number; retryAfter: string | null; body: string }[] = [];
  for (let sent = 0; sent < count; sent += 1) {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0001', text: `message ${sent}` }),
    });
    answers.push({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: await response.text(),
    });
  }
  return answers;
}

describe('chaos mode of the fake Slack', () => {
  it('fails about its rate of Web API calls with 429s and 5xx that post nothing, the same way for the same seed', async () => {
    const slack = await startFakeSlack();
    started.push(slack);
    slack.setChaos({ rate: 0.1, seed: 5, retryAfterSeconds: 2 });
    const answers = await postMessages(slack, 300);
    const failed = answers.filter((answer) => answer.status !== 200);
    expect(failed.length).toBeGreaterThan(15);
    expect(failed.length).toBeLessThan(50);
    expect(new Set(failed.map((answer) => answer.status))).toStrictEqual(new Set([429, 500, 502, 503]));
    for (const limited of failed.filter((answer) => answer.status === 429)) {
      expect(limited.retryAfter).toBe('2');
      expect(JSON.parse(limited.body)).toStrictEqual({ ok: false, error: 'ratelimited' });
    }
    // A failed call changed nothing: only the answered ones are in the channel; the log marks the failed ones.
    expect(slack.messages()).toHaveLength(300 - failed.length);
    expect(slack.calls('chat.postMessage').map((call) => call.failedWith ?? '200')).toStrictEqual(
      answers.map((answer) => String(answer.status)),
    );
    const injected = Object.fromEntries(
      [429, 500, 502, 503].map((status) => [
        String(status),
        failed.filter((answer) => answer.status === status).length,
      ]),
    );
    expect(slack.chaosStats()).toStrictEqual({ draws: 300, injected });

    const replay = await startFakeSlack({ chaos: { rate: 0.1, seed: 5, retryAfterSeconds: 2 } });
    started.push(replay);
    const replayed = await postMessages(replay, 300);
    expect(replayed.map((answer) => answer.status)).toStrictEqual(answers.map((answer) => answer.status));
  });

  it('fails response_url posts and upload URLs too, keeping nothing of them', async () => {
    const slack = await startFakeSlack({ chaos: { rate: 1, seed: 2, statuses: [503] } });
    started.push(slack);
    const responseUrl = slack.responseUrl();
    const respond = await fetch(responseUrl, { method: 'POST', body: JSON.stringify({ text: 'done' }) });
    expect(respond.status).toBe(503);
    expect(slack.responses()).toMatchObject([{ body: { text: 'done' }, failedWith: '503' }]);
    slack.setChaos(undefined);
    const client = new webApi.WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    const target = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    slack.setChaos({ rate: 1, seed: 2, statuses: [503] });
    const form = new FormData();
    form.append('body', new Blob([Buffer.from([1, 2, 3])]), 'a.png');
    const upload = await fetch(target.upload_url ?? '', { method: 'POST', body: form });
    expect(upload.status).toBe(503);
    slack.setChaos(undefined);
    // The bytes never arrived: completing the upload finds no file.
    await expect(
      client.files.completeUploadExternal({ channel_id: 'C0001', files: [{ id: target.file_id ?? '' }] }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
    expect(slack.shared).toStrictEqual([]);
  });

  it('stops when set to undefined, and lets queued faults go first', async () => {
    const slack = await startFakeSlack({ chaos: { rate: 1, seed: 1, statuses: [500] } });
    started.push(slack);
    slack.fault({ method: 'chat.postMessage', kind: 'status', status: 503 });
    expect((await postMessages(slack, 2)).map((answer) => answer.status)).toStrictEqual([503, 500]);
    expect(slack.chaosStats()).toStrictEqual({ draws: 1, injected: { '500': 1 } });
    slack.setChaos(undefined);
    expect((await postMessages(slack, 1)).map((answer) => answer.status)).toStrictEqual([200]);
    expect(slack.chaosStats()).toBeUndefined();
  });
});
