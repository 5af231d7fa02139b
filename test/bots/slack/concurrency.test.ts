import { expect, it } from 'vitest';
import { waitFor } from '../../fakes/slack/index.js';
import { startSlackHarness } from './slack-harness.js';

it('acks 20 concurrent /imagine, each before its own image API call, and answers all of them', async () => {
  const harness = await startSlackHarness();
  const { slack } = harness;
  try {
    const numbers = Array.from({ length: 20 }, (_, index) => index + 1);
    const acks = await Promise.all(
      numbers.map((number) =>
        harness.slash(`a fox number ${number} --model seedream-4`, { user: `U0USER${number}` }),
      ),
    );
    for (const ack of acks) {
      expect(ack.status).toBe(200);
      expect(JSON.parse(ack.text)).toEqual({ response_type: 'ephemeral', text: '⏳ Queued…' });
    }
    await waitFor(
      () =>
        acks.every((ack) => slack.responses(ack.responseId).some((entry) => entry.body.text === '✅ Done')),
      'every result',
      30_000,
    );
    expect(slack.shared).toHaveLength(20);
    expect([...harness.prompts()].sort()).toEqual(numbers.map((number) => `a fox number ${number}`).sort());

    // Each command's ack was written before the bot called the image API for it.
    const marks = slack.log.flatMap((entry) => (entry.kind === 'mark' ? [entry] : []));
    const acked = marks.filter((mark) => mark.label.startsWith('ack:'));
    expect(acked).toHaveLength(20);
    for (const number of numbers) {
      const call = marks.find((mark) => mark.label === `image-api:a fox number ${number}`);
      const requestId = acks[number - 1]?.requestId;
      const ack = marks.find((mark) => mark.label === `ack:${requestId}:200`);
      expect(ack?.seq, `ack of #${number}`).toBeLessThan(call?.seq ?? 0);
    }
    // Queue positions were shown to those who waited.
    const queued = slack.responses().filter((entry) => String(entry.body.text).startsWith('⏳ Queued — #'));
    expect(queued.length).toBeGreaterThan(0);
  } finally {
    await harness.close();
  }
});
