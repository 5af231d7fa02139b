import { afterEach, describe, expect, it } from 'vitest';
import { attached, dataUri, type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

const styleInstruction = (which: string, their: 'its' | 'their') =>
  `${which}: use ${their} style (colours, lighting, medium, texture), not ${their} subject or composition.`;

describe('seeds, counts, captions and style references through the chat', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('sends 7, 8, 9, 10 for --seed 7 --n 4, one per parallel call, and shows each seed', async () => {
    harness = await startHarness();
    const reply = onlyReply(
      await harness.app.brain.text('a red fox --model seedream-4 --seed 7 --n 4', [], harness.context()),
      'result',
    );
    // The calls run in parallel: their order of arrival is not fixed, their seeds are.
    const seeds = harness
      .bodies()
      .map((body) => Number(body.seed))
      .sort((left, right) => left - right);
    expect(seeds).toStrictEqual([7, 8, 9, 10]);
    expect(harness.bodies()).toHaveLength(4);
    expect(reply.images).toHaveLength(4);
    expect(reply.caption).toMatch(/^Seedream 4\.0 · 2048x2048 · seeds 7, 8, 9, 10 · /);
  });

  it('draws a fresh seed where none is given, and a re-roll sends new ones', async () => {
    let draws = 0;
    // The random source of createApp: 0.5 for the first request, 0.25 for the re-roll's.
    harness = await startHarness({ overrides: { random: () => (draws++ === 0 ? 0.5 : 0.25) } });
    const first = onlyReply(
      await harness.app.brain.text('a red fox --model qwen --n 2', [], harness.context()),
      'result',
    );
    const firstSeeds = harness.bodies().map((body) => (body.parameters as { seed: string }).seed);
    expect(firstSeeds.sort()).toStrictEqual(['1073741824', '1073741825']);
    expect(first.caption).toMatch(/ · seeds 1073741824, 1073741825 · /);
    const again = onlyReply(
      await harness.app.brain.button('reroll', first.jobId ?? '', harness.context()),
      'result',
    );
    const rerolled = harness
      .bodies()
      .slice(2)
      .map((body) => (body.parameters as { seed: string }).seed);
    expect(rerolled.sort()).toStrictEqual(['536870911', '536870912']);
    expect(again.caption).toMatch(/ · seeds 536870911, 536870912 · /);
  });

  it('says "1 of 3 images came back" when the model answers with fewer images than asked', async () => {
    harness = await startHarness();
    // Like the gateway, the fake answers seedream-4.0-base's `n: 3` with one image.
    const reply = onlyReply(
      await harness.app.brain.text('a red fox --model seedream-base --n 3', [], harness.context()),
      'result',
    );
    expect(harness.bodies()).toHaveLength(1);
    expect(harness.bodies()[0]).toMatchObject({ model: 'seedream-4.0-base', n: 3 });
    expect(reply.images).toHaveLength(1);
    expect(reply.caption).toMatch(/^Seedream 4\.0 \(base\) · 1 of 3 images came back · /);
  });

  it('shows no 4K on GPT Image when a --res 4K setting was not sent', async () => {
    harness = await startHarness();
    await harness.app.brain.text('settings set --res 4K', [], harness.context());
    const reply = onlyReply(
      await harness.app.brain.text('a red fox --model gpt-image', [], harness.context()),
      'result',
    );
    expect(harness.bodies()[0]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'a red fox',
      size: '1024x1024',
      n: 1,
    });
    expect(reply.caption).toMatch(/^GPT Image 1 · 1024x1024 · \d+\.\d s · id \S+$/);
    // The job id is random letters and digits, and may hold "4K" itself.
    expect((reply.caption ?? '').replace(/ · id \S+$/, '')).not.toContain('4K');
    expect(reply.footnote).toContain('GPT Image 1 has no resolution setting; --resolution was not sent.');
  });

  it('sends --ar 7:3 to Gemini as 21:9, and a ratio Gemini lacks as its nearest with a note', async () => {
    harness = await startHarness();
    const wide = onlyReply(await harness.app.brain.text('a fox --ar 7:3', [], harness.context()), 'result');
    const odd = onlyReply(await harness.app.brain.text('a fox --ar 2:1', [], harness.context()), 'result');
    expect(harness.bodies().map((body) => body.size)).toStrictEqual(['21:9', '16:9']);
    expect(wide.caption).toMatch(/^Nano Banana \(Gemini 2\.5 Flash Image\) · 21:9 · 1K · /);
    expect(wide.footnote).toBeUndefined();
    expect(odd.caption).toMatch(/ · 16:9 · 1K · /);
    expect(odd.footnote).toBe(
      '⚠ Nano Banana (Gemini 2.5 Flash Image) has no 2:1 aspect ratio; the nearest, 16:9, was sent.',
    );
  });

  it("sends an earlier result's image as a style reference, after the subject, with the instruction", async () => {
    harness = await startHarness();
    const styled = onlyReply(
      await harness.app.brain.text('a watercolour harbour --model gpt-image', [], harness.context()),
      'result',
    );
    const id = styled.jobId ?? '';
    expect(styled.caption).toMatch(new RegExp(` · id ${id}$`));
    const reply = onlyReply(
      await harness.app.brain.text(`a red fox --model nano-banana-pro --sref ${id}`, [], harness.context()),
      'result',
    );
    const body = harness.bodies()[1];
    expect(body).toStrictEqual({
      model: 'gemini-3-pro-image-preview',
      image_size: '1K',
      response_format: 'b64_json',
      contents: [
        {
          role: 'user',
          parts: [
            { text: `a red fox\n\n${styleInstruction('Image 1 is a style reference', 'its')}` },
            { image: dataUri(harness.fake.images[0]) },
          ],
        },
      ],
    });
    expect(reply.text).toBe('“a red fox”');
  });

  it('takes attached images as style references with --sref alone, the subject staying the prompt', async () => {
    harness = await startHarness();
    const first = onlyReply(await harness.app.brain.text('a cat', [], harness.context()), 'result');
    const [cat] = harness.fake.images;
    const image = { bytes: cat ?? Buffer.alloc(0), mediaType: 'image/png' };
    onlyReply(
      await harness.app.brain.text(
        'a dog --model seedream-4 --sref',
        attached(image, image),
        harness.context(),
      ),
      'result',
    );
    const body = harness.bodies()[1];
    const prompt = `a dog\n\n${styleInstruction('Images 1 and 2 are style references', 'their')}`;
    expect(body?.prompt).toBe(prompt);
    expect(body?.contents).toStrictEqual([
      {
        role: 'user',
        parts: [
          { image: expect.stringMatching(/^data:image\/(png|jpeg);base64,/) },
          { image: expect.stringMatching(/^data:image\/(png|jpeg);base64,/) },
          { text: prompt },
        ],
      },
    ]);
    expect(first.jobId).toBeDefined();
  });

  it('refuses style references on a model that cannot combine images, naming those that can', async () => {
    harness = await startHarness();
    const first = onlyReply(await harness.app.brain.text('a cat', [], harness.context()), 'result');
    const refused = onlyReply(
      await harness.app.brain.text(`a dog --model seedream-3 --sref ${first.jobId}`, [], harness.context()),
      'error',
    );
    expect(refused.text).toContain(
      'Seedream 3.0 cannot use style references (SeedEdit 3.0 does not combine several images). Models that can: nano-banana, nano-banana-pro, seedream-4, seedream-4.5, gpt-image, gpt-image-mini, qwen-edit.',
    );
    const unknown = onlyReply(
      await harness.app.brain.text('a dog --sref nosuchid', [], harness.context()),
      'error',
    );
    expect(unknown.text).toContain('No result has the id "nosuchid"');
    expect(harness.bodies()).toHaveLength(1);
  });

  it('sends a style reference to every model of a compare', async () => {
    harness = await startHarness();
    const styled = onlyReply(await harness.app.brain.text('a watercolour', [], harness.context()), 'result');
    const replies = await harness.app.brain.text(
      `compare a lighthouse --models gpt-image,seedream-4 --sref ${styled.jobId}`,
      [],
      harness.context(),
    );
    expect(replies.map((reply) => reply.kind)).toStrictEqual(['result', 'result']);
    const style = dataUri(harness.fake.images[0]);
    const prompt = `a lighthouse\n\n${styleInstruction('Image 1 is a style reference', 'its')}`;
    // The models run in parallel: find each one's body by its model.
    const bodyOf = (model: string) => harness.bodies().find((body) => body.model === model);
    const gpt = bodyOf('gpt-image-1');
    const seedream = bodyOf('doubao-seedream-4-0-250828');
    expect(gpt).toMatchObject({ model: 'gpt-image-1', prompt, image: style });
    expect(seedream).toMatchObject({
      model: 'doubao-seedream-4-0-250828',
      contents: [{ role: 'user', parts: [{ image: style }, { text: prompt }] }],
    });
  });

  it('takes --sref in a thread reply: the edit gets the result image, then the style image', async () => {
    harness = await startHarness();
    const styled = onlyReply(
      await harness.app.brain.text('a watercolour --model gpt-image', [], harness.context()),
      'result',
    );
    const first = onlyReply(
      await harness.app.brain.text('a red fox --model gpt-image', [], harness.context()),
      'result',
    );
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:sref-thread' });
    const thread = harness.context({ threadId: 'console:sref-thread' });
    onlyReply(
      await harness.app.brain.threadMessage(`make it moody --sref ${styled.jobId}`, [], thread),
      'result',
    );
    expect(harness.bodies()[2]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: `make it moody\n\n${styleInstruction('Image 2 is a style reference', 'its')}`,
      size: '1024x1024',
      n: 1,
      image: [dataUri(harness.fake.images[1]), dataUri(harness.fake.images[0])],
    });
  });
});
