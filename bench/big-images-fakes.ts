/**
 * The big-images bench's fakes, in their own process: the fake Slack and the fake image API, answering small
 * rendered images (for the warm-up) until told `{ type: 'serve-big' }`, then the bench's 4096×4096 PNG as
 * b64_json (the throughput bench uses them with `--answer small`). Tells the parent where they listen; answers `{ type: 'await-shared', count }` once the fake Slack
 * holds that many uploaded files.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { z } from 'zod';
import { startFakeImageApi } from '../src/dev/fake-image-api/index.js';
import { startFakeSlack } from '../test/fakes/slack/index.js';
import { benchImageKey } from './ack-fakes.js';
import { bigImage } from './big-image-file.js';

export const bigFakesReadySchema = z.object({
  type: z.literal('ready'),
  slackUrl: z.string(),
  botToken: z.string(),
  imagesUrl: z.string(),
  imageBytes: z.number().int(),
});
export const sharedSchema = z.object({
  type: z.literal('shared'),
  count: z.number().int(),
  /** The last messages the bot posted, to explain a run that never shared all its files. */
  lastTexts: z.array(z.string()),
});
export const servingBigSchema = z.object({ type: z.literal('serving-big') });
const serveBigSchema = z.object({ type: z.literal('serve-big') });
const awaitSharedSchema = z.object({
  type: z.literal('await-shared'),
  count: z.number().int(),
  timeoutMs: z.number().int(),
});

function smallImage(): Promise<Buffer> {
  const background = { r: 200, g: 80, b: 40 };
  return sharp({ create: { width: 64, height: 64, channels: 3, background } })
    .png()
    .toBuffer();
}

/** `--answer small`: every generation gets one fixed 64×64 PNG from the start, so no answer waits on rendering. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { answer: { type: 'string', default: 'big' } } });
  const answer = z.enum(['big', 'small']).parse(values.answer);
  const image = answer === 'big' ? await bigImage() : await smallImage();
  // The fakes share the 2 cores with the measured bot: uploads are split at their boundary, not parsed as forms.
  const slack = await startFakeSlack({ uploads: 'split' });
  const images = await startFakeImageApi({ apiKey: benchImageKey, maxSide: 64 });
  if (answer === 'small') images.setFixedImage(image);
  images.setDelivery('b64_json');
  images.setResponseShape('plain');
  process.on('message', (message: unknown) => {
    if (serveBigSchema.safeParse(message).success) {
      images.setFixedImage(image);
      process.send?.({ type: 'serving-big' });
      return;
    }
    const parsed = awaitSharedSchema.safeParse(message);
    if (!parsed.success) return;
    const deadline = Date.now() + parsed.data.timeoutMs;
    void (async () => {
      while (slack.shared.length < parsed.data.count && Date.now() < deadline) await sleep(20);
      const lastTexts = slack
        .messages()
        .slice(-3)
        .map((entry) => entry.text);
      process.send?.({ type: 'shared', count: slack.shared.length, lastTexts });
    })();
  });
  process.send?.({
    type: 'ready',
    slackUrl: slack.url,
    botToken: slack.botToken,
    imagesUrl: images.url,
    imageBytes: image.length,
  });
  process.once('disconnect', () => void Promise.all([slack.close(), images.close()]));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
