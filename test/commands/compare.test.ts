import { afterEach, describe, expect, it } from 'vitest';
import { defaultCompareModels } from '../../src/commands/compare.js';
import type { Reply } from '../../src/commands/reply.js';
import { dataUri, type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

// One call at a time, so the fake's images and faults line up with the models in order.
const inOrder = { IMAGE_API_CONCURRENCY: '1', USER_RATE_LIMIT_PER_MINUTE: '0' };

describe('compare', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('sends the prompt to one model of each family and labels the four results, each with a pick button', async () => {
    harness = await startHarness({ env: inOrder });
    const replies = await harness.app.brain.text('compare a lighthouse at dusk', [], harness.context());
    expect(harness.bodies()).toStrictEqual([
      {
        model: 'gemini-2.5-flash-image',
        prompt: 'a lighthouse at dusk',
        n: 1,
        response_format: 'b64_json',
        image_size: '1K',
        response_modalities: 'image',
      },
      {
        model: 'doubao-seedream-4-0-250828',
        prompt: 'a lighthouse at dusk',
        size: '2048x2048',
        watermark: false,
        seed: 1073741824,
      },
      { model: 'gpt-image-1', prompt: 'a lighthouse at dusk', size: '1024x1024', n: 1 },
      {
        model: 'qwen-image-plus',
        input: { messages: [{ role: 'user', content: [{ text: 'a lighthouse at dusk' }] }] },
        parameters: { seed: '1073741824' },
      },
    ]);
    const labels = ['Nano Banana (Gemini 2.5 Flash Image)', 'Seedream 4.0', 'GPT Image 1', 'Qwen-Image'];
    expect(replies.map((reply) => reply.kind)).toStrictEqual(['result', 'result', 'result', 'result']);
    replies.forEach((reply, index) => {
      expect(reply.text).toBe(`**${labels[index]}** — “a lighthouse at dusk”`);
      expect(reply.caption?.startsWith(`${labels[index]} · `)).toBe(true);
      expect(reply.images.map((image) => image.bytes)).toStrictEqual([harness.fake.images[index]]);
      expect(reply.buttons[0]).toStrictEqual({
        action: 'pick',
        jobId: reply.jobId,
        label: '✅ Continue with this',
      });
      expect(reply.threadName).toBeUndefined();
    });
  });

  it('compares the models named with --models', async () => {
    harness = await startHarness({ env: inOrder });
    const replies = await harness.app.brain.text(
      'compare a bakery logo --models seedream-3,gpt-image-mini --ar 1:1',
      [],
      harness.context(),
    );
    expect(replies.map((reply) => reply.text)).toStrictEqual([
      '**Seedream 3.0** — “a bakery logo”',
      '**GPT Image 1 mini** — “a bakery logo”',
    ]);
    expect(harness.bodies().map((body) => [body.model, body.size])).toStrictEqual([
      ['doubao-seedream-3-0-t2i-250415', '1024x1024'],
      ['gpt-image-1-mini', '1024x1024'],
    ]);
  });

  it('still returns the other models when one fails', async () => {
    harness = await startHarness({ env: inOrder });
    harness.fake.fault({ kind: 'content_policy', style: 'seedream' });
    const replies = await harness.app.brain.text(
      'compare a lighthouse --models seedream,gpt-image,qwen',
      [],
      harness.context(),
    );
    expect(replies.map((reply) => [reply.kind, reply.text])).toStrictEqual([
      [
        'error',
        'Seedream 4.0: The image service blocked this request as unsafe content. Rephrase the prompt, or try another model with --model.',
      ],
      ['result', '**GPT Image 1** — “a lighthouse”'],
      ['result', '**Qwen-Image** — “a lighthouse”'],
    ]);
    expect(replies[1]?.images[0]?.bytes).toEqual(harness.fake.images[0]);
    expect(replies[2]?.images[0]?.bytes).toEqual(harness.fake.images[1]);
    const usage = onlyReply(await harness.app.brain.text('usage', [], harness.context()), 'info');
    expect(usage.text).toBe('Today: you 2 of 100 (98 left); this channel 2 (no limit).');
  });

  it('refuses a single model and an unknown one, naming the valid choices, at no cost', async () => {
    harness = await startHarness({ env: inOrder });
    const single = onlyReply(
      await harness.app.brain.text('compare a cat --models gpt-image,gpt-image-1', [], harness.context()),
      'error',
    );
    expect(single.text).toBe('Compare needs at least two different models.');
    const unknown = onlyReply(
      await harness.app.brain.text('compare a cat --models gpt-image,dall-e', [], harness.context()),
      'error',
    );
    expect(unknown.text).toMatch(/^Unknown model "dall-e"\. Valid models: nano-banana, nano-banana-pro, /);
    expect(harness.bodies()).toHaveLength(0);
  });

  it('continues with the picked result in its thread', async () => {
    harness = await startHarness({ env: inOrder });
    const replies = await harness.app.brain.text(
      'compare a red fox --models nano-banana,gpt-image',
      [],
      harness.context(),
    );
    const gpt = replies[1] as Reply;
    const picked = onlyReply(
      await harness.app.brain.button('pick', gpt.jobId ?? '', harness.context()),
      'info',
    );
    expect(picked).toStrictEqual({
      kind: 'info',
      text: 'Continuing with GPT Image 1: reply in the thread to refine it.',
      images: [],
      buttons: [],
      ephemeral: false,
      jobId: gpt.jobId,
      threadName: 'a red fox',
    });
    // The adapter opens the thread and links it to the picked job.
    await harness.app.brain.linkResult(gpt.jobId ?? '', { threadKey: 'console:picked' });
    const edit = onlyReply(
      await harness.app.brain.threadMessage(
        'make it blue',
        [],
        harness.context({ threadId: 'console:picked' }),
      ),
      'result',
    );
    expect(harness.bodies()[2]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'make it blue',
      size: '1024x1024',
      n: 1,
      image: dataUri(harness.fake.images[1]),
    });
    expect(edit.images[0]?.bytes).toEqual(harness.fake.images[2]);
  });
});

describe('the default comparison', () => {
  it('takes the first text-to-image model of each family from the model table', () => {
    expect(defaultCompareModels).toEqual([
      'gemini-2.5-flash-image',
      'doubao-seedream-4-0-250828',
      'gpt-image-1',
      'qwen-image-plus',
    ]);
  });
});
