import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { upscaleInstruction } from '../../src/commands/studio/upscale.js';
import { dataUri, type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

// createApp's `random` seam: a re-roll's new seed is floor(0.25 × 2147483647).
const rerollSeed = 536_870_911;

describe('result buttons', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });
  const start = async (env: Record<string, string> = {}) => {
    harness = await startHarness({ env, overrides: { random: () => 0.25 } });
    return harness;
  };

  it('re-rolls with the same options and a new seed, as a job of whoever pressed it', async () => {
    const { app, fake } = await start();
    const first = onlyReply(
      await app.brain.text('a red fox --model seedream-4 --seed 5', [], harness.context()),
      'result',
    );
    const bob = harness.context({ userId: 'console:bob' });
    const again = onlyReply(await app.brain.button('reroll', first.jobId ?? '', bob), 'result');

    const [original, rerolled] = harness.bodies();
    expect(original).toStrictEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a red fox',
      size: '2048x2048',
      watermark: false,
      seed: 5,
    });
    expect(rerolled).toStrictEqual({ ...original, seed: rerollSeed });
    expect(again.text).toBe('“a red fox”');
    expect(again.caption).toMatch(
      new RegExp(
        `^Seedream 4\\.0 · 2048x2048 · seed ${rerollSeed} · \\d+\\.\\d s · re-roll of “a red fox” · id ${again.jobId}$`,
      ),
    );
    expect(again.images[0]?.bytes).toEqual(fake.images[1]);
    expect(again.jobId).not.toBe(first.jobId);
    const job = await app.services.jobs.get(again.jobId ?? '');
    expect(job?.requester.id).toBe('console:bob');
    expect(job?.kind).toBe('reroll');
    expect(job?.parentId).toBe(first.jobId);
  });

  it('re-rolls a model without seeds with the very same body', async () => {
    const { app, fake } = await start();
    const first = onlyReply(await app.brain.text('a red fox --ar 16:9', [], harness.context()), 'result');
    const again = onlyReply(await app.brain.button('reroll', first.jobId ?? '', harness.context()), 'result');
    const [original, rerolled] = harness.bodies();
    expect(rerolled).toStrictEqual(original);
    expect(again.images[0]?.bytes).toEqual(fake.images[1]);
  });

  it('makes variations as an edit of the result image', async () => {
    const { app, fake } = await start();
    const first = onlyReply(
      await app.brain.text('a lighthouse --model gpt-image', [], harness.context()),
      'result',
    );
    const variation = onlyReply(
      await app.brain.button('variations', first.jobId ?? '', harness.context()),
      'result',
    );
    const prompt = 'Make a variation of this image: same subject and style, new details. (a lighthouse)';
    expect(harness.bodies()[1]).toStrictEqual({
      model: 'gpt-image-1',
      prompt,
      size: '1024x1024',
      n: 1,
      image: dataUri(fake.images[0]),
    });
    expect(variation.text).toBe('“a lighthouse”');
    expect(variation.images[0]?.bytes).toEqual(fake.images[1]);
  });

  it('upscales Nano Banana Pro: its image goes to an edit at 4K, asked to stay as it is', async () => {
    const { app, fake } = await start();
    const first = onlyReply(
      await app.brain.text('a robot --model nano-banana-pro', [], harness.context()),
      'result',
    );
    expect(first.buttons.map((button) => button.action)).toContain('upscale');
    const bigger = onlyReply(
      await app.brain.button('upscale', first.jobId ?? '', harness.context()),
      'result',
    );
    const [original, upscaled] = harness.bodies();
    expect(original?.image_size).toBe('1K');
    expect(upscaled).toStrictEqual({
      model: 'gemini-3-pro-image-preview',
      size: '1:1',
      image_size: '4K',
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: upscaleInstruction }, { image: dataUri(fake.images[0]) }] }],
    });
    expect(bigger.text).toBe('“a robot”');
    expect(bigger.caption).toMatch(
      /^Nano Banana Pro \(Gemini 3 Pro Image\) · 1:1 · 4K · .* · upscale of “a robot” · id [\w-]+$/,
    );
    expect(bigger.images[0]?.bytes).toEqual(fake.images[1]);
  });

  it('upscales Seedream from its 2K default size to a 4K size, keeping the shape', async () => {
    const { app, fake } = await start();
    const square = onlyReply(
      await app.brain.text('a castle --model seedream-4', [], harness.context()),
      'result',
    );
    const wide = onlyReply(
      await app.brain.text('a castle --model seedream-4 --size 2560x1440', [], harness.context()),
      'result',
    );
    onlyReply(await app.brain.button('upscale', square.jobId ?? '', harness.context()), 'result');
    const upscaledWide = onlyReply(
      await app.brain.button('upscale', wide.jobId ?? '', harness.context()),
      'result',
    );
    const bodies = harness.bodies();
    expect(bodies.map((body) => body.size)).toStrictEqual([
      '2048x2048',
      '2560x1440',
      '4096x4096',
      '5120x2880',
    ]);
    expect(bodies[3]).toStrictEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: upscaleInstruction,
      seed: 536870912,
      size: '5120x2880',
      watermark: false,
      contents: [
        {
          role: 'user',
          parts: [{ image: dataUri(fake.images[1], 'image/jpeg') }, { text: upscaleInstruction }],
        },
      ],
    });
    expect(upscaledWide.footnote).toBeUndefined();
  });

  it('enlarges GPT Image locally (no model call) and says so', async () => {
    const { app, fake } = await start();
    const first = onlyReply(await app.brain.text('a cat --model gpt-image', [], harness.context()), 'result');
    expect(first.buttons.map((button) => button.action)).toContain('upscale');
    const reply = onlyReply(
      await app.brain.button('upscale', first.jobId ?? '', harness.context()),
      'result',
    );
    expect(harness.bodies()).toHaveLength(1);
    const before = await sharp(fake.images[0]).metadata();
    const after = await sharp(reply.images[0]?.bytes).metadata();
    expect([after.width, after.height]).toStrictEqual([(before.width ?? 0) * 2, (before.height ?? 0) * 2]);
    expect(reply.caption).toMatch(
      new RegExp(
        `^GPT Image 1 · ${after.width}x${after.height} · .* · upscale of “a cat” · local 2× enlargement, no model call · id [\\w-]+$`,
      ),
    );
    expect(reply.buttons.map((button) => button.action)).not.toContain('reroll');
  });

  it('pans a Seedream 4.0 result left: the canvas shape picks the 2K size 2496x1664, the grey is on the left', async () => {
    const { app } = await start();
    const first = onlyReply(
      await app.brain.text('a castle --model seedream-4', [], harness.context()),
      'result',
    );
    const panned = onlyReply(
      await app.brain.button('pan-left', first.jobId ?? '', harness.context()),
      'result',
    );
    const body = harness.bodies()[1];
    expect(body).toMatchObject({ model: 'doubao-seedream-4-0-250828', size: '2496x1664', watermark: false });
    const contents = JSON.stringify(body?.contents);
    const sent = Buffer.from(/base64,([^"]+)"/.exec(contents)?.[1] ?? '', 'base64');
    const original = await sharp(
      (
        await app.services.blobs.getImage(
          (await app.services.jobs.get(first.jobId ?? ''))?.resultImages[0]?.hash ?? '',
        )
      )?.bytes,
    ).metadata();
    const padded = await sharp(sent).metadata();
    const strip = Math.round((original.width ?? 0) / 2);
    expect([padded.width, padded.height]).toStrictEqual([(original.width ?? 0) + strip, original.height]);
    const left = await sharp(sent)
      .extract({ left: 0, top: 0, width: strip, height: original.height ?? 0 })
      .removeAlpha()
      .raw()
      .toBuffer();
    expect(new Set(left)).toStrictEqual(new Set([128]));
    expect(panned.caption).toMatch(/^Seedream 4\.0 · 2496x1664 · .* · pan left of “a castle” · id [\w-]+$/);
  });

  it('lets the requester and admins delete, and refuses anyone else', async () => {
    const { app } = await start({ ADMIN_IDS: 'console:carol' });
    const first = onlyReply(await app.brain.text('a red fox', [], harness.context()), 'result');
    const jobId = first.jobId ?? '';
    const deleted = { kind: 'info', text: 'Deleted.', images: [], buttons: [], ephemeral: true };

    const refused = await app.brain.button('delete', jobId, harness.context({ userId: 'console:bob' }));
    expect(refused).toStrictEqual([
      { ...deleted, text: 'Only the person who asked for this image, or an admin, can delete it.' },
    ]);
    expect(await app.brain.button('delete', jobId, harness.context())).toStrictEqual([
      { ...deleted, deleteMessage: true, jobId },
    ]);
    expect(
      await app.brain.button('delete', jobId, harness.context({ userId: 'console:carol' })),
    ).toStrictEqual([{ ...deleted, deleteMessage: true, jobId }]);
    const platformAdmin = harness.context({ user: { id: 'console:dave', isAdmin: true } });
    expect(await app.brain.button('delete', jobId, platformAdmin)).toStrictEqual([
      { ...deleted, deleteMessage: true, jobId },
    ]);
  });

  it('edits from the Edit button with the text typed in its dialog', async () => {
    const { app, fake } = await start();
    const first = onlyReply(
      await app.brain.text('a red fox --model gpt-image', [], harness.context()),
      'result',
    );
    const edited = onlyReply(
      await app.brain.button('edit', first.jobId ?? '', harness.context(), 'give it a scarf'),
      'result',
    );
    expect(harness.bodies()[1]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'give it a scarf',
      size: '1024x1024',
      n: 1,
      image: dataUri(fake.images[0]),
    });
    expect(edited.images[0]?.bytes).toEqual(fake.images[1]);

    const empty = onlyReply(
      await app.brain.button('edit', first.jobId ?? '', harness.context(), '  '),
      'error',
    );
    expect(empty.text).toBe('Say what to change, e.g. "make the sky purple".');
    expect(harness.bodies()).toHaveLength(2);
  });

  it('answers a button on an unknown job clearly', async () => {
    const { app } = await start();
    for (const action of ['reroll', 'variations', 'upscale', 'edit', 'delete', 'pick'] as const) {
      const reply = onlyReply(await app.brain.button(action, 'no-such-job', harness.context(), 'x'), 'error');
      expect(reply.text).toBe('That image is no longer available (results are kept for 7 days).');
    }
    expect(harness.bodies()).toHaveLength(0);
  });
});

describe('re-roll and upscale of a thread edit, pressed outside the thread', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('replays the conversation the edit was made in', async () => {
    harness = await startHarness();
    const { app, fake } = harness;
    const first = onlyReply(await app.brain.text('a red fox', [], harness.context()), 'result');
    await app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:thread-9' });
    const edit = onlyReply(
      await app.brain.threadMessage('give it a hat', [], harness.context({ threadId: 'console:thread-9' })),
      'result',
    );
    // Pressed on the edit's message in the channel, not in its thread.
    const rerolled = onlyReply(
      await app.brain.button('reroll', edit.jobId ?? '', harness.context()),
      'result',
    );
    const upscaled = onlyReply(
      await app.brain.button('upscale', edit.jobId ?? '', harness.context()),
      'result',
    );

    const history = [
      { role: 'user', parts: [{ text: 'a red fox' }] },
      { role: 'model', parts: [{ image: dataUri(fake.images[0]) }] },
      { role: 'user', parts: [{ text: 'give it a hat' }] },
    ];
    const [, editBody, rerollBody, upscaleBody] = harness.bodies();
    expect(editBody?.contents).toStrictEqual(history);
    expect(rerollBody).toStrictEqual(editBody);
    // The upscale sends the edit's image alone, not the conversation nor the prompt again.
    expect(upscaleBody).toStrictEqual({
      model: 'gemini-3-pro-image-preview',
      size: '1:1',
      image_size: '4K',
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: upscaleInstruction }, { image: dataUri(fake.images[1]) }] }],
    });
    expect(rerolled.images[0]?.bytes).toEqual(fake.images[2]);
    expect(upscaled.images[0]?.bytes).toEqual(fake.images[3]);
    // Each starts a conversation of its own: its thread edits that result, not the original thread's.
    expect(rerolled.threadName).toBe('give it a hat');
    await app.brain.linkResult(rerolled.jobId ?? '', { threadKey: 'console:thread-10' });
    onlyReply(
      await app.brain.threadMessage('now at night', [], harness.context({ threadId: 'console:thread-10' })),
      'result',
    );
    expect(harness.bodies()[4]?.contents).toStrictEqual([
      ...history,
      { role: 'model', parts: [{ image: dataUri(fake.images[2]) }] },
      { role: 'user', parts: [{ text: 'now at night' }] },
    ]);
  });

  it('joins the thread when pressed inside it', async () => {
    harness = await startHarness();
    const { app, fake } = harness;
    const thread = harness.context({ threadId: 'console:thread-11' });
    const first = onlyReply(await app.brain.text('a red fox', [], harness.context()), 'result');
    await app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:thread-11' });
    const edit = onlyReply(await app.brain.threadMessage('give it a hat', [], thread), 'result');
    const rerolled = onlyReply(await app.brain.button('reroll', edit.jobId ?? '', thread), 'result');
    expect(rerolled.threadName).toBeUndefined();
    onlyReply(await app.brain.threadMessage('now at night', [], thread), 'result');
    // The re-roll became the thread's latest image.
    expect(harness.bodies()[3]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox' }] },
      { role: 'model', parts: [{ image: dataUri(fake.images[0]) }] },
      { role: 'user', parts: [{ text: 'give it a hat' }] },
      { role: 'model', parts: [{ image: dataUri(fake.images[1]) }] },
      { role: 'user', parts: [{ text: 'give it a hat' }] },
      { role: 'model', parts: [{ image: dataUri(fake.images[2]) }] },
      { role: 'user', parts: [{ text: 'now at night' }] },
    ]);
  });
});
