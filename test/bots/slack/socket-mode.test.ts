import { expect, it } from 'vitest';
import { waitFor } from '../../fakes/slack/index.js';
import { startSlackHarness } from './slack-harness.js';

const slashPayload = (text: string, responseUrl: string) => ({
  token: 'legacy-verification-token',
  team_id: 'T0001',
  team_domain: 'fake',
  channel_id: 'C0001',
  channel_name: 'general',
  user_id: 'U0USER',
  user_name: 'alice',
  command: '/imagine',
  text,
  api_app_id: 'A0APP',
  is_enterprise_install: 'false',
  response_url: responseUrl,
  trigger_id: '123.456.abc',
});

it('runs /imagine end to end over Socket Mode: hello, the envelope, its ack, the uploaded result', async () => {
  const harness = await startSlackHarness({ socketMode: true });
  const { slack, images } = harness;
  try {
    expect(harness.bot.server).toBeUndefined();
    expect(slack.calls('apps.connections.open')[0]?.authorization).toBe(`Bearer ${slack.appToken}`);
    await slack.socketConnected();
    const responseUrl = slack.responseUrl();
    slack.socketSend({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      retry_attempt: 0,
      retry_reason: '',
      payload: slashPayload('a red fox --model seedream-4', responseUrl),
    });
    const ack = await waitFor(
      () => slack.log.find((entry) => entry.kind === 'socket' && entry.message.envelope_id === 'env-1'),
      'the ack envelope',
    );
    expect(ack).toMatchObject({
      message: { envelope_id: 'env-1', payload: { response_type: 'ephemeral', text: '⏳ Queued…' } },
    });
    await waitFor(() => slack.shared.length === 1, 'the uploaded result');
    expect(slack.shared[0]?.bytes).toEqual(images.images[0]);
    const posted = slack.calls('chat.postMessage')[0];
    expect(posted?.params.text).toBe('“a red fox”');
    expect(slack.shared[0]?.threadTs).toBe(slack.messages()[0]?.ts);
    const id = responseUrl.split('/').pop();
    await waitFor(() => slack.responses(id).some((entry) => entry.body.text === '✅ Done'), 'done');

    // Events come as envelopes too; a redelivery (retry_attempt 1) runs once.
    const threadTs = slack.messages()[0]?.ts ?? '';
    const event = {
      token: 'legacy-verification-token',
      team_id: 'T0001',
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: 'Ev9SOCKET',
      event_time: 1_700_000_002,
      authorizations: [{ team_id: 'T0001', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
      event: {
        type: 'message',
        user: 'U0USER',
        channel: 'C0001',
        thread_ts: threadTs,
        ts: '1800000030.000100',
        text: 'make it blue',
      },
    };
    for (const [attempt, envelopeId] of ['env-2', 'env-3'].entries()) {
      slack.socketSend({
        envelope_id: envelopeId,
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: attempt,
        retry_reason: attempt ? 'timeout' : '',
        payload: event,
      });
    }
    await waitFor(() => slack.shared.length === 2, 'the edit');
    expect(harness.prompts()).toEqual(['a red fox', 'make it blue']);
    expect(slack.calls('reactions.add')).toHaveLength(1);
    const secrets = [slack.appToken, slack.botToken, 'slack-signing-secret-7d41e0'];
    for (const secret of secrets) expect(harness.logLines.join('\n')).not.toContain(secret);
  } finally {
    await harness.close();
  }
});
