import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BoardEntry } from '../../../src/core/board/board-index.js';
import { createBoardStore } from '../../../src/core/board/board-store.js';
import { createStore } from '../../../src/core/store/index.js';
import type { Store } from '../../../src/core/store/store.js';
import { removeRedisNamespace } from '../store/redis-namespace.js';

const day = 24 * 60 * 60 * 1000;
const redisUrl = process.env.REDIS_URL;
const namespace = `imagine-bot-board-test-${randomUUID()}`;
const directory = mkdtempSync(join(tmpdir(), 'board-store-'));
if (!redisUrl) console.warn('REDIS_URL not set: skipping the team board index on Redis');

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  if (redisUrl) await removeRedisNamespace(redisUrl, namespace);
});

let now = Date.UTC(2026, 10, 27);
function entry(jobId: string, more: Partial<BoardEntry> = {}): BoardEntry {
  return {
    jobId,
    channelId: 'slack:T1/C1',
    kind: 'imagine',
    conversationId: jobId,
    prompt: `prompt of ${jobId}`,
    model: 'gpt-image-1',
    command: `/imagine prompt of ${jobId} --model gpt-image-1`,
    options: { model: 'gpt-image-1' },
    requester: { id: 'slack:T1/U1', name: 'ada' },
    images: [{ hash: 'a'.repeat(64), mediaType: 'image/png' }],
    createdAt: now,
    expiresAt: now + 7 * day,
    ...more,
  };
}

function behaviour(name: string, openPair: () => Promise<[Store, Store]>) {
  describe(`the team board index on ${name}`, () => {
    it('lists a channel newest first in pages, filters by model, person, text and stars, across instances', async () => {
      const [first, second] = await openPair();
      const kept: string[] = [];
      const one = createBoardStore({
        store: first,
        imageTtlMs: 7 * day,
        favouriteTtlMs: 90 * day,
        now: () => now,
        keep: async (kept_) => void kept.push(kept_.jobId),
      });
      const two = createBoardStore({
        store: second,
        imageTtlMs: 7 * day,
        favouriteTtlMs: 90 * day,
        now: () => now,
      });
      for (let index = 1; index <= 130; index += 1) {
        await (index % 2 === 0 ? one : two).record(
          entry(`job-${index}`, {
            model: index % 3 === 0 ? 'seedream-4' : 'gpt-image-1',
            requester:
              index % 5 === 0 ? { id: 'slack:T1/U2', name: 'grace' } : { id: 'slack:T1/U1', name: 'ada' },
          }),
        );
      }
      await one.record(entry('elsewhere', { channelId: 'slack:T1/C2' }));
      // The same job again (a second message of one result) is not a second entry.
      await two.record(entry('job-130'));

      const page1 = await two.list('slack:T1/C1', {}, { limit: 60 });
      expect(page1.entries.map((listed) => listed.jobId).slice(0, 3)).toEqual([
        'job-130',
        'job-129',
        'job-128',
      ]);
      const page2 = await one.list('slack:T1/C1', {}, { limit: 60, cursor: page1.nextCursor ?? '' });
      const page3 = await one.list('slack:T1/C1', {}, { limit: 60, cursor: page2.nextCursor ?? '' });
      expect([...page1.entries, ...page2.entries, ...page3.entries]).toHaveLength(130);
      expect(page3.nextCursor).toBeUndefined();
      expect(page3.entries.at(-1)?.jobId).toBe('job-1');

      const seedream = await one.list('slack:T1/C1', { model: 'seedream-4' }, {});
      expect(seedream.entries).toHaveLength(43);
      expect((await one.list('slack:T1/C1', { person: 'grace' }, {})).entries).toHaveLength(26);
      expect(
        (await one.list('slack:T1/C1', { text: 'OF JOB-12' }, {})).entries.map((listed) => listed.jobId),
      ).toEqual([
        'job-129',
        'job-128',
        'job-127',
        'job-126',
        'job-125',
        'job-124',
        'job-123',
        'job-122',
        'job-121',
        'job-120',
        'job-12',
      ]);
      expect(await two.facets('slack:T1/C1')).toEqual({
        models: ['gpt-image-1', 'seedream-4'],
        people: expect.arrayContaining([
          { id: 'slack:T1/U1', name: 'ada' },
          { id: 'slack:T1/U2', name: 'grace' },
        ]),
      });

      // A star on one instance shows on the other, and keeps the entry for FAVOURITE_TTL_DAYS.
      await one.setFavourite('job-7', 1, 'slack:T1/U2', true);
      const favourites = await two.list('slack:T1/C1', { favouritesOnly: true }, {});
      expect(favourites.entries.map((listed) => listed.jobId)).toEqual(['job-7']);
      expect(favourites.entries[0]?.expiresAt).toBe(now + 90 * day);
      expect(kept).toEqual(['job-7']);
      expect(await two.favourites('job-7')).toEqual([
        { jobId: 'job-7', image: 1, by: 'slack:T1/U2', at: now },
      ]);
      await two.setFavourite('job-7', 1, 'slack:T1/U2', false);
      expect((await one.list('slack:T1/C1', { favouritesOnly: true }, {})).entries).toEqual([]);
      await Promise.all([first.close(), second.close()]);
    });

    it('knows a job’s children and its message link, and drops entries once they expire', async () => {
      const [first, second] = await openPair();
      const one = createBoardStore({
        store: first,
        imageTtlMs: 7 * day,
        favouriteTtlMs: 90 * day,
        now: () => now,
      });
      const two = createBoardStore({
        store: second,
        imageTtlMs: 7 * day,
        favouriteTtlMs: 90 * day,
        now: () => now,
      });
      await one.record(entry('root', { channelId: 'slack:T1/C9' }));
      await two.record(
        entry('u2', { channelId: 'slack:T1/C9', kind: 'upscale', parentId: 'root', parentImage: 2 }),
      );
      await one.record(
        entry('v1', { channelId: 'slack:T1/C9', kind: 'variations', parentId: 'root', parentImage: 1 }),
      );
      expect((await two.children('root')).map((child) => child.jobId)).toEqual(['u2', 'v1']);
      await one.linkMessage('u2', 'https://slack.com/archives/C9/p1700000000000100');
      expect((await two.get('u2'))?.messageUrl).toBe('https://slack.com/archives/C9/p1700000000000100');
      // A result's later messages do not move its link.
      await two.linkMessage('u2', 'https://slack.com/archives/C9/p1700000000000200');
      expect((await one.get('u2'))?.messageUrl).toBe('https://slack.com/archives/C9/p1700000000000100');
      await one.record(entry('short', { channelId: 'slack:T1/C9', expiresAt: now + 1000 }));
      expect((await two.list('slack:T1/C9', {}, {})).entries).toHaveLength(4);
      now += 2000;
      expect((await two.list('slack:T1/C9', {}, {})).entries.map((listed) => listed.jobId)).toEqual([
        'v1',
        'u2',
        'root',
      ]);
      await Promise.all([first.close(), second.close()]);
    });
  });
}

behaviour('memory', async () => {
  const store = await createStore('memory://');
  return [store, store];
});

let databases = 0;
behaviour('SQLite (two connections to one file)', async () => {
  databases += 1;
  const file = `sqlite://${join(directory, `board-${databases}.sqlite`)}`;
  return [await createStore(file), await createStore(file)];
});

describe.skipIf(!redisUrl)('on Redis', () => {
  behaviour('Redis (two clients)', async () => [
    await createStore(redisUrl ?? '', { namespace }),
    await createStore(redisUrl ?? '', { namespace }),
  ]);
});
