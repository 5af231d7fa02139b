import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReplyImage } from '../../commands/reply.js';
import { ImagineError } from '../../core/errors.js';

/** Writes a reply's images into `outDir` under their reply file names (`imagine-<job>-<n>.png`); returns the paths. */
export async function saveImages(images: readonly ReplyImage[], outDir: string): Promise<string[]> {
  if (images.length === 0) return [];
  const paths: string[] = [];
  try {
    await mkdir(outDir, { recursive: true });
    for (const image of images) {
      // The name comes from the brain; basename keeps it inside outDir whatever it holds.
      const file = path.join(outDir, path.basename(image.fileName));
      await writeFile(file, image.bytes);
      paths.push(file);
    }
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'write failed';
    throw new ImagineError(
      'invalid_option',
      `Cannot write the images to "${outDir}" (${reason}); try --out DIR.`,
    );
  }
  return paths;
}

/** The delete button on a terminal: the files that showed the result go. A file already gone is fine. */
export async function removeFiles(paths: readonly string[]): Promise<string[]> {
  for (const file of paths) await rm(file, { force: true });
  return [...paths];
}
