import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorText } from '../../../src/commands/replies/index.js';
import { type ErrorCode, ImagineError } from '../../../src/core/errors.js';
import type { Fault } from '../../../src/dev/fake-image-api/index.js';
import { waitFor } from '../../fakes/slack/index.js';
import { imagineResult, nextEventId, type SlackHarness, startSlackHarness } from './slack-harness.js';

/** Each failure of the image API, and the code whose words the user must see. */
const failures: { fault: Fault; code: ErrorCode; retry: boolean }[] = [
  { fault: { kind: 'status', status: 401 }, code: 'auth', retry: false },
  { fault: { kind: 'status', status: 403 }, code: 'quota', retry: false },
  { fault: { kind: 'status', status: 429, retryAfterSeconds: 0 }, code: 'rate_limit', retry: true },
  { fault: { kind: 'status', status: 500 }, code: 'upstream', retry: true },
  { fault: { kind: 'status', status: 503 }, code: 'upstream', retry: true },
  { fault: { kind: 'content_policy', style: 'openai' }, code: 'content_policy', retry: false },
  { fault: { kind: 'content_policy', style: 'gemini_block' }, code: 'content_policy', retry: false },
  { fault: { kind: 'malformed_json' }, code: 'malformed_response', retry: true },
  { fault: { kind: 'empty' }, code: 'empty_result', retry: true },
  { fault: { kind: 'hang' }, code: 'timeout', retry: true },
];

describe('image API failures', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness({ env: { IMAGE_API_TIMEOUT_MS: '1000' } });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('tells the user the short message of every kind, privately, with Retry where asking again can help', async () => {
    for (const [index, { fault, code, retry }] of failures.entries()) {
      harness.images.fault(fault);
      const ack = await harness.slash(`a fox number ${index}`);
      const answer = await waitFor(
        () => harness.slack.responses(ack.responseId).find((entry) => entry.body.text !== '🎨 Working…'),
        `the answer to fault ${index}`,
      );
      expect(answer?.body.text, JSON.stringify(fault)).toBe(errorText(new ImagineError(code, '')));
      expect(answer?.body.replace_original).toBe(true);
      const actions = JSON.stringify(answer?.body.blocks ?? []);
      expect(actions.includes('"action_id":"imagine:reroll"'), JSON.stringify(fault)).toBe(retry);
    }
    expect(harness.slack.calls('chat.postMessage')).toEqual([]);
    expect(harness.logLines.join('\n')).not.toContain(harness.slack.botToken);
  });

  it('shows a failure in a thread in its placeholder, where the progress was, and links nothing to it', async () => {
    const { slack } = harness;
    const first = await imagineResult(harness, 'a red fox');
    harness.images.fault({ kind: 'status', status: 500 });
    const reply = {
      type: 'message',
      user: 'U0USER',
      channel: 'C0001',
      thread_ts: first.ts,
      ts: '1800000040.000100',
    };
    await harness.event({ ...reply, text: 'make it blue' }, nextEventId());
    await waitFor(() => slack.calls('reactions.remove').length === 1, 'the end of the edit');
    const shown = errorText(new ImagineError('upstream', ''));
    const placeholder = slack.messages().find((message) => message.text === shown);
    expect(placeholder).toMatchObject({ channel: 'C0001', threadTs: first.ts });
    expect(JSON.stringify(placeholder?.blocks)).toContain('"action_id":"imagine:reroll"');
    expect(
      await harness.app.services.conversations.jobOfMessage(`slack:C0001:${placeholder?.ts}`),
    ).toBeUndefined();
    expect(slack.shared).toHaveLength(1);
  });
});

describe('Slack failures', () => {
  it('survives a 429 from chat.postMessage with the default retries, waiting for Retry-After', async () => {
    const harness = await startSlackHarness();
    try {
      harness.slack.fault({ method: 'chat.postMessage', kind: 'ratelimited', retryAfterSeconds: 1 });
      await imagineResult(harness, 'a patient fox');
      const posts = harness.slack.calls('chat.postMessage');
      expect(posts).toHaveLength(2);
      expect(posts[1]?.params.text).toBe('“a patient fox”');
      expect(harness.slack.shared).toHaveLength(1);
    } finally {
      await harness.close();
    }
  });

  it('says how to fix a channel the bot is not in, and a failed upload', async () => {
    const harness = await startSlackHarness({ retryConfig: { retries: 0 } });
    try {
      harness.slack.fault({ method: 'chat.postMessage', kind: 'error', error: 'not_in_channel' });
      const first = await harness.slash('a shy fox');
      const note = await waitFor(
        () =>
          harness.slack
            .responses(first.responseId)
            .find((entry) => String(entry.body.text).startsWith('I cannot')),
        'the note',
      );
      expect(note.body).toMatchObject({
        response_type: 'ephemeral',
        replace_original: true,
        text: 'I cannot post in this channel: invite me with `/invite @imagine-bot`, then try again.',
      });

      harness.slack.fault({ method: 'upload', kind: 'status', status: 500, times: 4 });
      const second = await harness.slash('a heavy fox');
      const failure = await waitFor(
        () =>
          harness.slack
            .responses(second.responseId)
            .find((entry) => String(entry.body.text).startsWith('Could')),
        'the failure',
      );
      expect(failure.body.text).toBe('Could not deliver the result to Slack. Please try again.');
      expect(harness.slack.calls('files.completeUploadExternal')).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

describe('access control', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness({
      env: {
        SLACK_ALLOWED_TEAMS: 'T0001',
        SLACK_ALLOWED_CHANNELS: 'C0001',
        SLACK_ALLOWED_USERS: 'U0USER,U0ADMIN',
        SLACK_ADMIN_USERS: 'U0ADMIN',
      },
    });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('refuses other workspaces, channels and users in the ack, and ignores their events', async () => {
    const refusal = {
      response_type: 'ephemeral',
      text: 'Sorry, imagine-bot is not enabled here. Ask an admin to add this workspace, channel or user to its allowed list.',
    };
    for (const where of [{ channel: 'C0002' }, { user: 'U0STRANGER' }, { team: 'T0002' }]) {
      const ack = await harness.slash('a fox', where);
      expect(JSON.parse(ack.text)).toEqual(refusal);
    }
    const first = await imagineResult(harness, 'a red fox');
    const stranger = {
      type: 'message',
      user: 'U0STRANGER',
      channel: 'C0001',
      thread_ts: first.ts,
      ts: '1800000020.000100',
    };
    await harness.event({ ...stranger, text: 'make it blue' }, nextEventId());
    await harness.event(
      { ...stranger, user: 'U0USER', ts: '1800000020.000200', text: 'make it green' },
      nextEventId(),
    );
    await waitFor(() => harness.slack.shared.length === 2, 'the allowed edit');
    expect(harness.prompts()).toEqual(['a red fox', 'make it green']);
  });

  it('lets only admins change the channel settings', async () => {
    const user = await harness.slash('settings set --model seedream-4 --channel');
    const admin = await harness.slash('settings set --model seedream-4 --channel', { user: 'U0ADMIN' });
    const text = async (id: string) =>
      String((await waitFor(() => harness.slack.responses(id)[0], 'the answer')).body.text);
    expect(await text(user.responseId)).toBe(
      'Only admins can change this channel’s settings. Leave out --channel to change your own.',
    );
    expect(await text(admin.responseId)).not.toContain('Only admins');
    expect(await harness.app.services.presets.get({ kind: 'channel', id: 'slack:C0001' })).toMatchObject({
      model: 'doubao-seedream-4-0-250828',
    });
  });
});
