import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attached, type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

const html = {
  bytes: Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'),
  mediaType: 'text/html',
};
const notAPicture = 'Attachment 1 is not a picture (got text/HTML). Send PNG, JPEG, WEBP, GIF, BMP or TIFF.';

describe('bad input', () => {
  let harness: Harness;
  beforeEach(async () => {
    // A quota of one: a validation error must win over "no quota left", and cost nothing.
    harness = await startHarness({ env: { USER_RATE_LIMIT_PER_MINUTE: '0', USER_DAILY_QUOTA: '1' } });
  });
  afterEach(async () => {
    await harness.close();
  });
  const used = async () =>
    onlyReply(await harness.app.brain.text('usage', [], harness.context()), 'info').text.split(';')[0];
  const error = async (text: string, attachments: { bytes: Buffer; mediaType: string }[] = []) =>
    onlyReply(await harness.app.brain.text(text, attached(...attachments), harness.context()), 'error').text;

  it('asks for a prompt when there is none', async () => {
    const empty = 'The prompt is empty: say what the image should show, e.g. "a red fox in the snow".';
    expect(await error('')).toBe(empty);
    expect(await error('   --model seedream --ar 16:9')).toBe(empty);
    const structured = await harness.app.brain.command('imagine', { prompt: '  ' }, [], harness.context());
    expect(onlyReply(structured, 'error').text).toBe(empty);
    expect(harness.bodies()).toHaveLength(0);
    expect(await used()).toBe('Today: you 0 of 1 (1 left)');
  });

  it('names the valid models, sizes and counts', async () => {
    expect(await error('a fox --model dall-e-3')).toBe(
      'Unknown model "dall-e-3". Valid models: nano-banana, nano-banana-pro, seedream-4, seedream-4.5, seedream-3, ' +
        'seededit, seedream-base, gpt-image, gpt-image-mini, qwen-image, qwen-edit.',
    );
    expect(await error('a fox --model seedream-4.5 --res 1K')).toBe(
      'Resolution 1K is not available on Seedream 4.5. Valid: 2K, 4K.',
    );
    expect(await error('a fox --model qwen --size 999x999')).toBe(
      'Size 999x999 is not available on Qwen-Image. Valid: 1664x928, 1472x1140, 1328x1328, 1140x1472, 928x1664.',
    );
    expect(await error('a fox --model nano-banana-pro --res 8K')).toBe(
      '--res: "8K" is not valid; it takes a resolution tier. Valid: 1K, 2K, 3K, 4K.',
    );
    expect(await error('a fox --n 50')).toBe('--n: "50" is not valid; it takes a whole number from 1 to 10.');
    expect(await error('a fox --n 5')).toBe(
      'Nano Banana (Gemini 2.5 Flash Image) makes 1 to 4 images per request (got 5).',
    );
    expect(await error('a fox --model qwen-edit')).toBe(
      'Qwen-Image-Edit edits images: attach an image to edit, or pick a text-to-image model.',
    );
    expect(harness.bodies()).toHaveLength(0);
    expect(await used()).toBe('Today: you 0 of 1 (1 left)');
  });

  it('refuses an attachment that is not a picture, whatever type it claims', async () => {
    expect(await error('make it blue', [html])).toBe(notAPicture);
    expect(await error('make it blue', [{ ...html, mediaType: 'image/png' }])).toBe(notAPicture);
    expect(await error('compare make it blue --models gpt-image,seedream', [html])).toBe(notAPicture);
    expect(harness.bodies()).toHaveLength(0);
    expect(await used()).toBe('Today: you 0 of 1 (1 left)');
  });

  it('refuses bad edits in a thread before they cost anything', async () => {
    const first = onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'result');
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:bad-edits' });
    // Another user edits: alice's one request is spent, and a file is read only once a quota slot is taken.
    const thread = harness.context({ threadId: 'console:bad-edits', userId: 'console:bob' });
    const edit = async (text: string, attachments = [html]) =>
      onlyReply(await harness.app.brain.threadMessage(text, attached(...attachments), thread), 'error').text;
    expect(await edit('make it blue')).toBe(notAPicture);
    expect(await edit('make it blue --model seedream-4.5 --res 1K', [])).toBe(
      'Resolution 1K is not available on Seedream 4.5. Valid: 2K, 4K.',
    );
    expect(await edit('make it blue --n 11', [])).toBe(
      '--n: "11" is not valid; it takes a whole number from 1 to 10.',
    );
    expect(await edit('   ', [])).toBe('Say what to change, e.g. "make the sky purple".');
    // Only the first result reached the image API and counted; bob's refused edits cost him nothing.
    expect(harness.bodies()).toHaveLength(1);
    expect(await used()).toBe('Today: you 1 of 1 (0 left)');
    const bobUsage = await harness.app.brain.text('usage', [], thread);
    expect(onlyReply(bobUsage, 'info').text.split(';')[0]).toBe('Today: you 0 of 1 (1 left)');
  });

  it('converts an image too heavy for the model instead of refusing it', async () => {
    const width = 1800;
    const noise = await sharp(randomBytes(width * width * 3), { raw: { width, height: width, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(7 * 1024 * 1024);
    const reply = onlyReply(
      await harness.app.brain.text(
        'make it a watercolour',
        attached({ bytes: noise, mediaType: 'image/png' }),
        harness.context(),
      ),
      'result',
    );
    expect(reply.footnote).toBe('⚠ Image 1: converted PNG→JPEG.');
    expect(harness.bodies()[0]).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'make it a watercolour' }, { image: expect.any(String) }] }],
    });
    const sent = JSON.stringify(harness.bodies()[0]?.contents).match(/data:image\/(\w+);base64,([^"]+)/);
    expect(sent?.[1]).toBe('jpeg');
    expect(Buffer.from(sent?.[2] ?? '', 'base64').length).toBeLessThanOrEqual(7 * 1024 * 1024);
    expect(reply.images[0]?.bytes).toEqual(harness.fake.images[0]);
  });
});
