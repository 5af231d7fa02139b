import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileImageStore, openFileImageStore } from '../../../src/core/store/file-image-store.js';
import { sha256Hex } from '../../../src/core/store/index.js';
import { describeImageStoreBehaviour, imageBytes } from './image-store-behaviour.js';
import { recordingLogger } from './store-behaviour.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'imagine-bot-images-'));
  directories.push(directory);
  return directory;
}

let now = Date.now();
const sharedFolder = await folder();
describeImageStoreBehaviour('file', {
  open: async () =>
    openFileImageStore({
      directory: sharedFolder,
      logger: recordingLogger(),
      now: () => now,
      sweepIntervalMs: 0,
    }),
  pass: (ms) => {
    now += ms;
  },
});

describe('file image store on disk', () => {
  const clock = { now: Date.now() };
  const open = (directory: string): FileImageStore =>
    openFileImageStore({ directory, logger: recordingLogger(), now: () => clock.now, sweepIntervalMs: 0 });

  it('writes one file per image, named by its sha256 under a two-letter folder, and no temporary file', async () => {
    const directory = await folder();
    const store = open(directory);
    const bytes = imageBytes(50_000);
    const hash = sha256Hex(bytes);
    await store.put(hash, bytes, 60_000);
    await store.put(hash, bytes, 60_000);
    expect(await readdir(directory)).toEqual([hash.slice(0, 2)]);
    expect(await readdir(join(directory, hash.slice(0, 2)))).toEqual([hash]);
    expect((await readFile(join(directory, hash.slice(0, 2), hash))).equals(bytes)).toBe(true);
    await store.close();
  });

  it('reads images written before a restart: a new instance on the same folder', async () => {
    const directory = await folder();
    const before = open(directory);
    const bytes = imageBytes(20_000);
    const hash = sha256Hex(bytes);
    await before.put(hash, bytes, 60_000);
    await before.close();
    const after = open(directory);
    expect((await after.get(hash))?.equals(bytes)).toBe(true);
    await after.close();
  });

  it('keeps the expiry in the file mtime, so a restart keeps each TTL', async () => {
    const directory = await folder();
    const store = open(directory);
    const bytes = imageBytes(100);
    const hash = sha256Hex(bytes);
    await store.put(hash, bytes, 90_000);
    const info = await stat(join(directory, hash.slice(0, 2), hash));
    expect(Math.round(info.mtimeMs)).toBe(clock.now + 90_000);
    await store.close();
  });

  it('sweeps expired files and abandoned temporary files, and keeps the rest', async () => {
    const directory = await folder();
    const store = open(directory);
    const stale = imageBytes(100);
    const fresh = imageBytes(100);
    await store.put(sha256Hex(stale), stale, 1000);
    await store.put(sha256Hex(fresh), fresh, 3 * 60 * 60 * 1000);
    const temporaryFolder = join(directory, sha256Hex(fresh).slice(0, 2));
    const temporary = join(temporaryFolder, `${sha256Hex(fresh)}.left-by-a-crash.tmp`);
    await writeFile(temporary, 'half an image');
    const other = join(temporaryFolder, 'notes.txt');
    await writeFile(other, 'not ours');
    await utimes(other, new Date(0), new Date(0));

    clock.now += 2000;
    expect(await store.sweep()).toBe(1);
    expect(await store.get(sha256Hex(stale))).toBeUndefined();
    expect((await store.get(sha256Hex(fresh)))?.equals(fresh)).toBe(true);
    await expect(stat(temporary)).resolves.toBeDefined();

    clock.now += 2 * 60 * 60 * 1000 - 2000;
    expect(await store.sweep()).toBe(1);
    await expect(stat(temporary)).rejects.toThrow(/ENOENT/);
    await expect(stat(other)).resolves.toBeDefined();
    expect((await store.get(sha256Hex(fresh)))?.equals(fresh)).toBe(true);
    await store.close();
  });

  it('sweeps an empty or missing folder without failing', async () => {
    const store = open(join(await folder(), 'not-yet-created'));
    expect(await store.sweep()).toBe(0);
    await store.close();
  });

  it('refuses a hash that is not sha256 hex instead of writing outside its folder', async () => {
    const directory = await folder();
    const store = open(directory);
    await expect(store.put('../../escape', Buffer.from('x'), 1000)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(await store.get('../../escape')).toBeUndefined();
    expect(await readdir(directory)).toEqual([]);
    await store.close();
  });
});
