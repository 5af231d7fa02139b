import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attached, dataUri, type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

describe('ways into an edit', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  async function firstResult(prompt = 'a red fox') {
    const first = onlyReply(await harness.app.brain.text(prompt, [], harness.context()), 'result');
    return first.jobId ?? '';
  }

  it('takes inline flags in a thread reply', async () => {
    const jobId = await firstResult();
    await harness.app.brain.linkResult(jobId, { threadKey: 'console:slash' });
    const thread = harness.context({ threadId: 'console:slash' });
    const replies =
      (await harness.app.brain.threadMessage('make it blue --model gpt-image --quality low', [], thread)) ??
      [];
    const edited = onlyReply(replies, 'result');
    expect(harness.bodies()[1]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'make it blue',
      size: '1024x1024',
      quality: 'low',
      n: 1,
      image: dataUri(harness.fake.images[0]),
    });
    expect(edited.images[0]?.bytes).toEqual(harness.fake.images[1]);
    const bad = (await harness.app.brain.threadMessage('make it red --n 50', [], thread)) ?? [];
    expect(onlyReply(bad, 'error').text).toBe(
      '--n: "50" is not valid; it takes a whole number from 1 to 10.',
    );
  });

  it('says there is nothing to edit outside a bot thread', async () => {
    const replies = await harness.app.brain.command('edit', { text: 'make it blue' }, [], harness.context());
    expect(onlyReply(replies, 'error').text).toBe('There is no image in this thread to edit yet.');
    expect(harness.bodies()).toHaveLength(0);
  });

  it('edits the image of the message replied to, with the conversation up to it', async () => {
    const jobId = await firstResult();
    await harness.app.brain.linkResult(jobId, { messageKey: 'console:message-1' });
    const replies = await harness.app.brain.replyToMessage(
      'console:message-1',
      'add a moon',
      [],
      harness.context(),
    );
    const edited = onlyReply(replies, 'result');
    expect(harness.bodies()[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox' }] },
      { role: 'model', parts: [{ image: dataUri(harness.fake.images[0]) }] },
      { role: 'user', parts: [{ text: 'add a moon' }] },
    ]);
    expect(edited.images[0]?.bytes).toEqual(harness.fake.images[1]);
  });

  it('adds images attached to the reply, after the result image for single-turn models', async () => {
    const jobId = await firstResult('a vase --model seedream-4');
    const image = harness.fake.images[0] ?? Buffer.alloc(0);
    await harness.app.brain.linkResult(jobId, { messageKey: 'console:message-2' });
    onlyReply(
      await harness.app.brain.replyToMessage(
        'console:message-2',
        'put these flowers in it',
        attached({ bytes: image, mediaType: 'image/png' }),
        harness.context(),
      ),
      'result',
    );
    // The fake answers Seedream in JPEG: the attachment keeps its real type whatever it was called.
    expect(harness.bodies()[1]).toStrictEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'put these flowers in it',
      size: '2048x2048',
      watermark: false,
      seed: 1073741824,
      contents: [
        {
          role: 'user',
          parts: [
            { image: dataUri(harness.fake.images[0], 'image/jpeg') },
            { image: dataUri(image, 'image/jpeg') },
            { text: 'put these flowers in it' },
          ],
        },
      ],
    });
  });

  it('ignores replies to messages that show no result', async () => {
    expect(
      await harness.app.brain.replyToMessage('console:unknown', 'add a moon', [], harness.context()),
    ).toBeUndefined();
    expect(harness.bodies()).toHaveLength(0);
  });
});
