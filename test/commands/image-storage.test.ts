import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onlyReply, startHarness } from '../support/bot-harness.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every value the SQLite store holds, as stored (JSON text). */
function storedValues(file: string): string[] {
  const database = new Database(file, { readonly: true });
  try {
    const rows = database.prepare('SELECT value FROM store_values').all() as { value: string }[];
    return rows.map((row) => row.value);
  } finally {
    database.close();
  }
}

describe('a generated image', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'imagine-bot-image-storage-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('is kept as a file named by its sha256 under IMAGE_STORE_URL, and the store holds no image bytes', async () => {
    const storeFile = join(directory, 'bot.sqlite');
    const imageFolder = join(directory, 'images');
    const harness = await startHarness({
      storeUrl: `sqlite://${storeFile}`,
      env: { IMAGE_STORE_URL: `file://${imageFolder}` },
    });
    let image: Buffer;
    try {
      const result = onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'result');
      image = result.images[0]?.bytes ?? Buffer.alloc(0);
      expect(result.images).toHaveLength(1);
      expect(image.byteLength).toBeGreaterThan(1000);
    } finally {
      await harness.close();
    }

    const hash = sha256(image);
    expect(await readdir(imageFolder)).toEqual([hash.slice(0, 2)]);
    expect((await readFile(join(imageFolder, hash.slice(0, 2), hash))).equals(image)).toBe(true);

    const values = storedValues(storeFile);
    expect(values.length).toBeGreaterThan(0);
    const base64 = image.toString('base64');
    for (const value of values) {
      expect(value).not.toContain(base64.slice(0, 64));
      expect(value.length).toBeLessThan(Math.min(4096, image.byteLength));
    }
    expect(values.some((value) => value.includes(hash))).toBe(true);
  });
});
