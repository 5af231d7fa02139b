import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PanDirection } from '../../../src/core/jobs/job.js';
import { enlargeImage, padImage, panPadding, zoomPadding } from '../../../src/core/studio/canvas.js';

const red = () =>
  sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();

/** The colour of one pixel of a PNG, as `r,g,b`. */
async function pixel(bytes: Buffer, left: number, top: number): Promise<string> {
  const raw = await sharp(bytes).extract({ left, top, width: 1, height: 1 }).removeAlpha().raw().toBuffer();
  return [...raw].join(',');
}

const grey = '128,128,128';
const picture = '255,0,0';

describe('canvas for zoom and pan', () => {
  it('zooms out by centring the picture on a canvas 1.5× and 2× its size', async () => {
    const source = await red();
    expect(zoomPadding({ width: 40, height: 20 }, 1.5)).toStrictEqual({
      left: 10,
      right: 10,
      top: 5,
      bottom: 5,
    });
    const padded = await padImage(source, zoomPadding({ width: 40, height: 20 }, 2));
    expect([padded.width, padded.height, padded.mediaType]).toStrictEqual([80, 40, 'image/png']);
    expect(await pixel(padded.bytes, 0, 0)).toBe(grey);
    expect(await pixel(padded.bytes, 20, 10)).toBe(picture);
    expect(await pixel(padded.bytes, 59, 29)).toBe(picture);
    expect(await pixel(padded.bytes, 60, 30)).toBe(grey);
  });

  it('pans by adding half the picture on the named side only', async () => {
    const source = await red();
    const cases: [PanDirection, number, number, [number, number], [number, number]][] = [
      // direction, width, height, a grey pixel, a picture pixel
      ['left', 60, 20, [0, 10], [59, 10]],
      ['right', 60, 20, [59, 10], [0, 10]],
      ['up', 40, 30, [20, 0], [20, 29]],
      ['down', 40, 30, [20, 29], [20, 0]],
    ];
    for (const [direction, width, height, empty, kept] of cases) {
      const padded = await padImage(source, panPadding({ width: 40, height: 20 }, direction));
      expect([direction, padded.width, padded.height]).toStrictEqual([direction, width, height]);
      expect(await pixel(padded.bytes, ...empty)).toBe(grey);
      expect(await pixel(padded.bytes, ...kept)).toBe(picture);
    }
  });

  it('scales a canvas over 4096 px down as a whole, keeping the framing', async () => {
    const wide = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const padded = await padImage(wide, zoomPadding({ width: 3000, height: 1000 }, 2));
    expect([padded.width, padded.height]).toStrictEqual([4096, 1365]);
  });

  it('enlarges locally in the same format', async () => {
    const jpeg = await sharp(await red())
      .jpeg()
      .toBuffer();
    const enlarged = await enlargeImage(jpeg, 'image/jpeg', 2);
    expect([enlarged.width, enlarged.height, enlarged.mediaType]).toStrictEqual([80, 40, 'image/jpeg']);
    expect((await sharp(enlarged.bytes).metadata()).format).toBe('jpeg');
  });
});
