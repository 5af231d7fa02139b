import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { upscaleInstruction } from '../../../src/commands/studio/upscale.js';
import { zoomInstruction } from '../../../src/commands/studio/zoom-pan.js';
import { dataUri } from '../../support/bot-harness.js';
import {
  alice,
  bob,
  bodyOf,
  customIds,
  type DiscordHarness,
  generationBodies,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

const rowsSchema = z.array(
  z.object({
    type: z.number(),
    components: z.array(z.object({ type: z.number(), custom_id: z.string(), label: z.string() })),
  }),
);
type Row = z.infer<typeof rowsSchema>[number];

const rowsOf = (body: ReturnType<typeof bodyOf>): Row[] => rowsSchema.parse(body.components ?? []);
const labelsOf = (rows: Row[]) => rows.map((row) => row.components.map((button) => button.label));

async function imagine(harness: DiscordHarness, prompt: string, options: Record<string, string | number>) {
  const sent = harness.discord.slashCommand({
    name: 'imagine',
    user: alice,
    options: { prompt, ...options },
  });
  const answer = await waitForAnswer(harness, sent);
  await harness.bot.idle();
  const messageId = harness.discord.world.originals.get(sent.token) ?? '';
  const jobId = customIds(bodyOf(answer))[0]?.split(':')[2] ?? '';
  return { messageId, jobId, body: bodyOf(answer) };
}

async function press(harness: DiscordHarness, customId: string, messageId: string) {
  const sent = harness.discord.pressButton({ customId, messageId, user: bob });
  const answer = await waitForAnswer(harness, sent);
  await harness.bot.idle();
  const newMessage = harness.discord.world.originals.get(sent.token) ?? '';
  return { answer, body: bodyOf(answer), messageId: newMessage, files: answer.files };
}

/** The stored bytes of image `number` (1-based) of a job. */
async function imageOf(harness: DiscordHarness, jobId: string, number: number): Promise<Buffer> {
  const job = await harness.app.services.jobs.get(jobId);
  const stored = await harness.app.services.blobs.getImage(job?.resultImages[number - 1]?.hash ?? '');
  if (!stored) throw new Error(`no image ${number} of ${jobId}`);
  return stored.bytes;
}

/** The first image of the last generation request, decoded. */
async function sentImage(harness: DiscordHarness): Promise<{ bytes: Buffer; width: number; height: number }> {
  const contents = generationBodies(harness.images).at(-1)?.contents;
  const match = /"image":"data:image\/png;base64,([^"]+)"/.exec(JSON.stringify(contents));
  const bytes = Buffer.from(match?.[1] ?? '', 'base64');
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  return { bytes, width, height };
}

describe('per-image buttons, zoom and pan on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('lays out four images as U1–U4, V1–V4, then re-roll, edit, delete: within 5 rows of 5, ids unique', async () => {
    const result = await imagine(harness, 'a red fox', { model: 'nano-banana', n: 4 });
    const rows = rowsOf(result.body);
    expect(labelsOf(rows)).toStrictEqual([
      ['U1', 'U2', 'U3', 'U4'],
      ['V1', 'V2', 'V3', 'V4'],
      ['🎲 Re-roll', '✏ Edit', '🗑 Delete'],
    ]);
    expect(rows.length).toBeLessThanOrEqual(5);
    expect(rows.every((row) => row.type === 1 && row.components.length <= 5)).toBe(true);
    const ids = customIds(result.body);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length <= 100)).toBe(true);
    expect(ids.slice(0, 2)).toStrictEqual([
      `imagine:upscale:${result.jobId}:1`,
      `imagine:upscale:${result.jobId}:2`,
    ]);
  });

  it('U2 sends image 2 alone to Nano Banana Pro at 4K, says "upscale of image 2", and offers zoom and pan', async () => {
    const result = await imagine(harness, 'a red fox', { model: 'nano-banana', n: 4 });
    const second = await imageOf(harness, result.jobId, 2);
    const upscaled = await press(harness, `imagine:upscale:${result.jobId}:2`, result.messageId);

    const bodies = generationBodies(harness.images);
    expect(bodies).toHaveLength(5);
    expect(bodies[4]).toStrictEqual({
      model: 'gemini-3-pro-image-preview',
      size: '1:1',
      image_size: '4K',
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: upscaleInstruction }, { image: dataUri(second) }] }],
    });
    expect(upscaled.body.content).toMatch(
      /^“a red fox”\n-# Nano Banana Pro \(Gemini 3 Pro Image\) · 1:1 · 4K · .* · upscale of image 2 of “a red fox” · id [\w-]+$/,
    );
    expect(upscaled.files.map((file) => file.bytes)).toStrictEqual([harness.images.images[4]]);
    expect(labelsOf(rowsOf(upscaled.body))).toStrictEqual([
      ['🎲 Re-roll', '🔀 Variations', '⬆ Upscale', '✏ Edit', '🗑 Delete'],
      ['Zoom out 1.5×', 'Zoom out 2×'],
      ['⬅️', '➡️', '⬆️', '⬇️'],
    ]);
  });

  it('Zoom out 2× sends the image centred on a canvas twice as wide and high, grey around it', async () => {
    const result = await imagine(harness, 'a lighthouse', { model: 'nano-banana-pro' });
    const original = await imageOf(harness, result.jobId, 1);
    const { width, height } = await sharp(original).metadata();
    const zoomed = await press(harness, `imagine:zoom-2:${result.jobId}`, result.messageId);

    const body = generationBodies(harness.images)[1];
    expect(body).toMatchObject({ model: 'gemini-3-pro-image-preview', size: '1:1', image_size: '1K' });
    expect(JSON.stringify(body?.contents)).toContain(JSON.stringify(zoomInstruction('a lighthouse')));
    const sent = await sentImage(harness);
    expect([sent.width, sent.height]).toStrictEqual([(width ?? 0) * 2, (height ?? 0) * 2]);
    const left = Math.floor((width ?? 0) / 2);
    const top = Math.floor((height ?? 0) / 2);
    const middle = await sharp(sent.bytes)
      .extract({ left, top, width: width ?? 0, height: height ?? 0 })
      .removeAlpha()
      .raw()
      .toBuffer();
    expect(middle).toEqual(await sharp(original).removeAlpha().raw().toBuffer());
    const corner = await sharp(sent.bytes).extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer();
    expect([...corner.subarray(0, 3)]).toStrictEqual([128, 128, 128]);
    expect(zoomed.body.content).toMatch(/ · zoom out 2× of “a lighthouse” · id [\w-]+$/);
  });
});
