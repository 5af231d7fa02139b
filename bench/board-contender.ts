/**
 * One contender of the board bench, alone in a fresh process: `board` serves a channel's team board from a
 * SQLite store seeded with N results (through the real index); `static` serves one file from disk with
 * node:http. Tells the parent its URL, then waits to be killed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createBoardHandler } from '../src/board/board-server.js';
import { boardLink } from '../src/core/board/board-link.js';
import { createBoardStore } from '../src/core/board/board-store.js';
import { createImageBlobs } from '../src/core/store/blobs.js';
import { createImageStore, createStore } from '../src/core/store/index.js';

export const boardReadySchema = z.object({ type: z.literal('ready'), url: z.string() });
const secret = 'bench-board-secret';
const channelId = 'slack:T0BENCH/C0BENCH';
const day = 24 * 60 * 60 * 1000;
const models = ['gemini-2.5-flash-image', 'doubao-seedream-4-0-250828', 'gpt-image-1', 'qwen-image'];
const kinds = ['imagine', 'upscale', 'variations', 'edit', 'zoom'] as const;

async function startBoard(results: number): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'imagine-board-bench-'));
  const store = await createStore(`sqlite://${join(directory, 'bench.sqlite')}`);
  const imageStore = await createImageStore(`file://${join(directory, 'images')}`);
  const now = Date.now();
  const seed = createBoardStore({ store, imageTtlMs: 7 * day, favouriteTtlMs: 90 * day });
  for (let index = 1; index <= results; index += 1) {
    const kind = kinds[index % kinds.length] ?? 'imagine';
    await seed.record({
      jobId: `job-${index}`,
      channelId,
      kind,
      ...(kind !== 'imagine' && index > 1 && { parentId: `job-${index - 1}`, parentImage: 1 }),
      conversationId: `job-${index - (index % 5)}`,
      prompt: `a lighthouse on a cliff at dusk, study ${index}`,
      model: models[index % models.length] ?? 'gpt-image-1',
      command: `/imagine a lighthouse on a cliff at dusk, study ${index}`,
      options: { model: models[index % models.length] ?? 'gpt-image-1', size: '1024x1024' },
      requester: { id: `slack:T0BENCH/U${index % 12}`, name: `person ${index % 12}` },
      images: [{ hash: `${String(index).padStart(8, '0')}${'0'.repeat(56)}`, mediaType: 'image/png' }],
      createdAt: now - (results - index) * 60_000,
      expiresAt: now + 7 * day,
    });
  }
  await store.close();
  // A fresh store, as a new process sees it: the first page reads the channel's index from SQLite.
  const reopened = await createStore(`sqlite://${join(directory, 'bench.sqlite')}`);
  const board = createBoardStore({ store: reopened, imageTtlMs: 7 * day, favouriteTtlMs: 90 * day });
  const handle = createBoardHandler({
    board,
    blobs: createImageBlobs(reopened, imageStore),
    store: reopened,
    secret,
    imageTtlMs: 7 * day,
    logger: { warn: () => undefined, info: () => undefined },
  });
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return boardLink(`http://127.0.0.1:${port}`, secret, channelId, now + day);
}

async function startStatic(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'imagine-static-bench-')), 'page.html');
  writeFileSync(
    file,
    `<!doctype html><title>static</title>${'<p>a static page of the same kind</p>'.repeat(400)}`,
  );
  const server = createServer((_request, response) => {
    readFile(file).then((bytes) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': bytes.length });
      response.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/page.html`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { kind: { type: 'string' }, results: { type: 'string', default: '5000' } },
  });
  const url = values.kind === 'board' ? await startBoard(Number(values.results)) : await startStatic();
  process.send?.({ type: 'ready', url });
  process.once('disconnect', () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
