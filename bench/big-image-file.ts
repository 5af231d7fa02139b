/**
 * The big-images bench's image: one 4096×4096 PNG of a gradient under noise (≈ 45 MiB, as large as a real
 * upscaled photo gets), made once with sharp and kept in the system's temp folder, never in the repository.
 */
import { randomFillSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const side = 4096;
const channels = 3;
/** Noise spread per channel: enough that deflate cannot shrink it much, as with a real photo's grain. */
const noiseLevels = 32;
export const bigImageFile = join(tmpdir(), `imagine-bench-${side}px-noisy-v1.png`);

async function renderBigImage(): Promise<Buffer> {
  const pixels = Buffer.allocUnsafe(side * side * channels);
  const noise = randomFillSync(Buffer.allocUnsafe(pixels.length));
  let index = 0;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const grain = (offset: number) => (noise[index + offset] ?? 0) % noiseLevels;
      pixels[index] = ((x >> 4) + grain(0)) & 255;
      pixels[index + 1] = ((y >> 4) + grain(1)) & 255;
      pixels[index + 2] = (((x + y) >> 5) + grain(2)) & 255;
      index += channels;
    }
  }
  return sharp(pixels, { raw: { width: side, height: side, channels } })
    .png()
    .toBuffer();
}

/** The cached PNG's bytes, rendering it first when the cache is empty. */
export async function bigImage(): Promise<Buffer> {
  if (existsSync(bigImageFile)) return readFileSync(bigImageFile);
  const png = await renderBigImage();
  // Written aside then renamed, so a run stopped halfway never leaves half a PNG in the cache.
  const partial = `${bigImageFile}.${process.pid}.partial`;
  writeFileSync(partial, png);
  renameSync(partial, bigImageFile);
  return png;
}
