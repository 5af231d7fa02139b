import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

const tooLong = 'a'.repeat(4001);
const refusal = 'The prompt is 4001 characters long; the limit is 4000. Shorten it and try again.';

describe('MAX_PROMPT_CHARS', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('refuses a longer prompt at every entry with no upstream call, and takes one of exactly the limit', async () => {
    const { brain } = harness.app;
    const context = harness.context();
    const error = (replies: Parameters<typeof onlyReply>[0]) => onlyReply(replies, 'error').text;
    expect(error(await brain.text(tooLong, [], context))).toBe(refusal);
    expect(error(await brain.imagine(`${tooLong} --ar 16:9`, [], context))).toBe(refusal);
    expect(error(await brain.command('imagine', { prompt: tooLong }, [], context))).toBe(refusal);
    expect(error(await brain.text(`compare ${tooLong} --models gpt-image,seedream`, [], context))).toBe(
      refusal,
    );
    expect(harness.bodies()).toEqual([]);

    const first = onlyReply(await brain.text('a red fox', [], context), 'result');
    const jobId = first.jobId ?? '';
    await brain.linkResult(jobId, { threadKey: 'console:long', messageKey: 'console:message-long' });
    const thread = harness.context({ threadId: 'console:long' });
    expect(error(await brain.threadMessage(tooLong, [], thread))).toBe(refusal);
    expect(error(await brain.replyToMessage('console:message-long', tooLong, [], context))).toBe(refusal);
    expect(error(await brain.button('edit', jobId, context, tooLong))).toBe(refusal);
    expect(harness.bodies()).toHaveLength(1);

    onlyReply(await brain.text('b'.repeat(4000), [], context), 'result');
    expect(harness.bodies()[1]?.prompt).toBe('b'.repeat(4000));
    const usage = onlyReply(await brain.text('usage', [], context), 'info').text;
    expect(usage.split(';')[0]).toBe('Today: you 2 of 100 (98 left)');
  });
});
