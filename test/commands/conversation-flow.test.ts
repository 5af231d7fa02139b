import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/commands/reply.js';
import { attached, type Harness, startHarness } from '../support/bot-harness.js';

const dataUri = (bytes: Buffer, mediaType = 'image/png') =>
  `data:${mediaType};base64,${bytes.toString('base64')}`;

function onlyResult(replies: Reply[] | undefined): Reply {
  expect(replies).toHaveLength(1);
  const reply = replies?.[0];
  expect(reply?.kind, reply?.text).toBe('result');
  if (!reply) throw new Error('no reply');
  return reply;
}

describe('a conversation in a thread', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('sends the whole thread history to Gemini as contents, oldest first', async () => {
    const context = harness.context();
    const first = onlyResult(await harness.app.brain.text('a red fox in the snow', [], context));
    expect(first.images[0]?.bytes).toEqual(harness.fake.images[0]);
    expect(first.threadName).toBe('a red fox in the snow');
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:thread-1' });

    const thread = harness.context({ threadId: 'console:thread-1' });
    const second = onlyResult(await harness.app.brain.threadMessage('give it a hat', [], thread));
    const third = onlyResult(await harness.app.brain.threadMessage('now make it night', [], thread));

    const [imagineBody, firstEdit, secondEdit] = harness.bodies();
    expect(imagineBody).toMatchObject({ model: 'gemini-2.5-flash-image', prompt: 'a red fox in the snow' });
    const image1 = dataUri(harness.fake.images[0] ?? Buffer.alloc(0));
    const image2 = dataUri(harness.fake.images[1] ?? Buffer.alloc(0));
    expect(firstEdit?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox in the snow' }] },
      { role: 'model', parts: [{ image: image1 }] },
      { role: 'user', parts: [{ text: 'give it a hat' }] },
    ]);
    expect(secondEdit?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox in the snow' }] },
      { role: 'model', parts: [{ image: image1 }] },
      { role: 'user', parts: [{ text: 'give it a hat' }] },
      { role: 'model', parts: [{ image: image2 }] },
      { role: 'user', parts: [{ text: 'now make it night' }] },
    ]);
    expect(second.images[0]?.bytes).toEqual(harness.fake.images[1]);
    expect(second.caption).toMatch(/ · edit of “a red fox in the snow” · id \S+$/);
    expect(third.caption).toMatch(/ · edit of “give it a hat” · id \S+$/);
    expect(third.images[0]?.bytes).toEqual(harness.fake.images[2]);
  });

  it('gives other families the latest image as input, single turn', async () => {
    const context = harness.context();
    const first = onlyResult(await harness.app.brain.text('a red fox --model gpt-image', [], context));
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:t2' });
    onlyResult(
      await harness.app.brain.threadMessage('make it blue', [], harness.context({ threadId: 'console:t2' })),
    );
    const edit = harness.bodies()[1];
    expect(edit).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'make it blue',
      size: '1024x1024',
      n: 1,
      image: dataUri(harness.fake.images[0] ?? Buffer.alloc(0)),
    });
  });

  it('switches Seedream 3 to SeedEdit for an edit and says so', async () => {
    const first = onlyResult(
      await harness.app.brain.text('a castle --model seedream-3', [], harness.context()),
    );
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:t3' });
    const edit = onlyResult(
      await harness.app.brain.threadMessage('add a moat', [], harness.context({ threadId: 'console:t3' })),
    );
    expect(harness.bodies()[1]?.model).toBe('doubao-seededit-3-0-i2i-250628');
    expect(edit.footnote).toContain('Seedream 3.0 cannot edit images, so SeedEdit 3.0 made this edit.');
  });

  it('falls back to a single turn when Gemini 3 Pro rejects the history, and warns', async () => {
    const first = onlyResult(
      await harness.app.brain.text('a robot --model nano-banana-pro', [], harness.context()),
    );
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:t4' });
    const edit = onlyResult(
      await harness.app.brain.threadMessage('paint it gold', [], harness.context({ threadId: 'console:t4' })),
    );
    const [, rejected, fallback] = harness.bodies();
    expect(rejected?.contents).toHaveLength(3);
    expect(fallback?.contents).toStrictEqual([
      {
        role: 'user',
        parts: [{ text: 'paint it gold' }, { image: dataUri(harness.fake.images[0] ?? Buffer.alloc(0)) }],
      },
    ]);
    expect(edit.footnote).toContain('the latest image was sent as a fresh edit');
  });

  it('takes a reply with only an image as an edit that works the image in', async () => {
    const first = onlyResult(await harness.app.brain.text('a bare room', [], harness.context()));
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:t5' });
    const sofa = harness.fake.images[0] ?? Buffer.alloc(0);
    onlyResult(
      await harness.app.brain.threadMessage(
        '',
        attached({ bytes: sofa, mediaType: 'image/png' }),
        harness.context({ threadId: 'console:t5' }),
      ),
    );
    expect(harness.bodies()[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a bare room' }] },
      { role: 'model', parts: [{ image: dataUri(sofa) }] },
      {
        role: 'user',
        parts: [{ text: 'Work the attached image(s) into this image.' }, { image: dataUri(sofa) }],
      },
    ]);
  });

  it('ignores messages in threads that are not ours', async () => {
    expect(
      await harness.app.brain.threadMessage('hello', [], harness.context({ threadId: 'console:other' })),
    ).toBe(undefined);
    expect(harness.bodies()).toHaveLength(0);
  });
});

describe('the caption', () => {
  it('shows the size the model really got, not the ratio that was asked for', async () => {
    const harness = await startHarness();
    try {
      const reply = onlyResult(
        await harness.app.brain.text('a wide beach --model gpt-image --ar 16:9', [], harness.context()),
      );
      expect(reply.caption).toMatch(/^GPT Image 1 · 1536x1024 · /);
      expect(reply.footnote).toContain('GPT Image 1 has no 16:9 size; the nearest, 1536x1024, was used.');
      const gemini = onlyResult(
        await harness.app.brain.text('a wide beach --ar 16:9', [], harness.context()),
      );
      expect(gemini.caption).toMatch(/^Nano Banana \(Gemini 2\.5 Flash Image\) · 16:9 · 1K · /);
    } finally {
      await harness.close();
    }
  });
});
