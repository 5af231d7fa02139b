import { z } from 'zod';
import type { Store } from '../store/store.js';
import {
  type BoardEntry,
  type BoardFilter,
  type BoardIndex,
  type BoardPage,
  boardEntrySchema,
  type FavouriteMark,
} from './board-index.js';

const entries = 'board-entry';
const slots = 'board-slot';
const kids = 'board-kid';
const favouritesOfJob = 'board-favs';
const favouriteJobsOfChannel = 'board-fav-jobs';
/** Sequence counters must outlive every entry: a counter that expired would start again at 1 over live slots. */
const counterTtlMs = 100 * 365 * 24 * 60 * 60 * 1000;
const defaultPageSize = 60;
const readBatch = 200;

const favouriteMarks = z.array(
  z.object({ jobId: z.string(), image: z.number().int().min(1), by: z.string(), at: z.number() }),
);
const jobIds = z.array(z.string());

export interface BoardStoreOptions {
  store: Store;
  /** IMAGE_TTL_DAYS: how long an entry (and its images) lives. */
  imageTtlMs: number;
  /** FAVOURITE_TTL_DAYS: how long a starred entry lives from its star. */
  favouriteTtlMs: number;
  /** Keeps the job record and its images as long as the entry (a favourite outlives IMAGE_TTL_DAYS). */
  keep?: (entry: BoardEntry, ttlMs: number) => Promise<void>;
  now?: () => number;
}

interface ChannelCache {
  /** Slots read so far (1…read). */
  read: number;
  /** Newest last; seq → entry. */
  bySeq: Map<number, BoardEntry>;
}

/**
 * The board's index on the shared store, so every instance sees every result: per channel, an atomic sequence
 * (a store counter) numbers its results and a slot per number points at the job; per job, its entry, its
 * children's slots and its stars. Each process keeps a channel's entries in memory once read and reads only the
 * slots added since (one counter read per page), so filtering 5,000 results is in memory.
 */
export function createBoardStore(options: BoardStoreOptions): BoardIndex {
  const { store } = options;
  const now = options.now ?? Date.now;
  const caches = new Map<string, ChannelCache>();

  const getEntry = (jobId: string) => store.getParsed(entries, jobId, boardEntrySchema);
  const ttlOf = (entry: BoardEntry) => Math.max(1, entry.expiresAt - now());

  async function readSlots(namespace: string, prefix: string, from: number, to: number): Promise<string[]> {
    const ids: string[] = [];
    for (let start = from; start <= to; start += readBatch) {
      const numbers = Array.from(
        { length: Math.min(readBatch, to - start + 1) },
        (_, index) => start + index,
      );
      const batch = await Promise.all(numbers.map((n) => store.get<string>(namespace, `${prefix}:${n}`)));
      for (const id of batch) if (typeof id === 'string') ids.push(id);
    }
    return ids;
  }

  async function channelEntries(channelId: string): Promise<ChannelCache> {
    const cache = caches.get(channelId) ?? { read: 0, bySeq: new Map() };
    caches.set(channelId, cache);
    const count = await store.count(`board-seq:${channelId}`);
    if (count > cache.read) {
      const from = cache.read + 1;
      for (let start = from; start <= count; start += readBatch) {
        const end = Math.min(count, start + readBatch - 1);
        const numbers = Array.from({ length: end - start + 1 }, (_, index) => start + index);
        const found = await Promise.all(
          numbers.map(async (n) => {
            const id = await store.get<string>(slots, `${channelId}:${n}`);
            return [n, typeof id === 'string' ? await getEntry(id) : undefined] as const;
          }),
        );
        for (const [n, entry] of found) if (entry) cache.bySeq.set(n, entry);
        // Only what was read counts as read: a store error leaves the rest for the next page.
        cache.read = end;
      }
    }
    const time = now();
    for (const [n, entry] of cache.bySeq) if (entry.expiresAt <= time) cache.bySeq.delete(n);
    return cache;
  }

  async function favouriteJobs(channelId: string): Promise<Set<string>> {
    return new Set((await store.getParsed(favouriteJobsOfChannel, channelId, jobIds)) ?? []);
  }

  /** A star from another instance extends an entry's life: starred entries are read again (they are few). */
  async function refreshStarred(cache: ChannelCache, favourites: Set<string>): Promise<void> {
    const starred = [...cache.bySeq].filter(([, entry]) => favourites.has(entry.jobId));
    const fresh = await Promise.all(starred.map(([, entry]) => getEntry(entry.jobId)));
    starred.forEach(([n], index) => {
      const entry = fresh[index];
      if (entry) cache.bySeq.set(n, entry);
    });
  }

  function matches(entry: BoardEntry, filter: BoardFilter, favourites: Set<string>): boolean {
    if (filter.model && entry.model !== filter.model) return false;
    if (filter.person) {
      const person = filter.person.toLowerCase();
      const { id, name } = entry.requester;
      if (id.toLowerCase() !== person && !(name ?? '').toLowerCase().includes(person)) return false;
    }
    if (filter.text && !entry.prompt.toLowerCase().includes(filter.text.toLowerCase())) return false;
    if (filter.favouritesOnly && !favourites.has(entry.jobId)) return false;
    return true;
  }

  return {
    async record(entry) {
      if (!(await store.claim(`board-record:${entry.jobId}`, 'board', ttlOf(entry)))) return false;
      await store.set(entries, entry.jobId, entry, ttlOf(entry));
      const { used } = await store.reserve(
        `board-seq:${entry.channelId}`,
        Number.MAX_SAFE_INTEGER,
        counterTtlMs,
      );
      await store.set(slots, `${entry.channelId}:${used}`, entry.jobId, ttlOf(entry));
      if (entry.parentId !== undefined) {
        const child = await store.reserve(
          `board-kids:${entry.parentId}`,
          Number.MAX_SAFE_INTEGER,
          counterTtlMs,
        );
        await store.set(kids, `${entry.parentId}:${child.used}`, entry.jobId, ttlOf(entry));
      }
      return true;
    },

    async linkMessage(jobId, messageUrl) {
      const entry = await getEntry(jobId);
      // The first message of a result is its link (later ones are the same result's other parts).
      if (!entry || entry.messageUrl !== undefined) return;
      await store.set(entries, jobId, { ...entry, messageUrl }, ttlOf(entry));
    },

    get: getEntry,

    async list(channelId, filter, page): Promise<BoardPage> {
      const cache = await channelEntries(channelId);
      const favourites = await favouriteJobs(channelId);
      await refreshStarred(cache, favourites);
      const limit = page.limit ?? defaultPageSize;
      const before = page.cursor === undefined ? Number.POSITIVE_INFINITY : Number(page.cursor);
      const picked: BoardEntry[] = [];
      let last: number | undefined;
      const numbers = [...cache.bySeq.keys()].sort((first, second) => second - first);
      for (const n of numbers) {
        if (n >= before) continue;
        const entry = cache.bySeq.get(n);
        if (!entry || !matches(entry, filter, favourites)) continue;
        if (picked.length === limit)
          return { entries: picked, ...(last !== undefined && { nextCursor: String(last) }) };
        picked.push(entry);
        last = n;
      }
      return { entries: picked };
    },

    async children(jobId) {
      const count = await store.count(`board-kids:${jobId}`);
      const ids = await readSlots(kids, jobId, 1, count);
      const found = await Promise.all(ids.map(getEntry));
      return found.filter((entry): entry is BoardEntry => entry !== undefined);
    },

    async setFavourite(jobId, image, by, on) {
      const entry = await getEntry(jobId);
      if (!entry) return;
      const marks = (await store.getParsed(favouritesOfJob, jobId, favouriteMarks)) ?? [];
      const others = marks.filter((mark) => !(mark.image === image && mark.by === by));
      const next: FavouriteMark[] = on ? [...others, { jobId, image, by, at: now() }] : others;
      const expiresAt =
        next.length > 0 ? Math.max(entry.expiresAt, now() + options.favouriteTtlMs) : entry.expiresAt;
      const kept = { ...entry, expiresAt };
      await store.set(favouritesOfJob, jobId, next, ttlOf(kept));
      if (expiresAt !== entry.expiresAt) {
        await store.set(entries, jobId, kept, ttlOf(kept));
        await options.keep?.(kept, ttlOf(kept));
      }
      const channelFavourites = await favouriteJobs(entry.channelId);
      if (next.length > 0) channelFavourites.add(jobId);
      else channelFavourites.delete(jobId);
      await store.set(favouriteJobsOfChannel, entry.channelId, [...channelFavourites], counterTtlMs);
      const cached = [...(caches.get(entry.channelId)?.bySeq ?? [])].find(
        ([, known]) => known.jobId === jobId,
      );
      if (cached) caches.get(entry.channelId)?.bySeq.set(cached[0], kept);
    },

    async favourites(jobId) {
      return (await store.getParsed(favouritesOfJob, jobId, favouriteMarks)) ?? [];
    },

    async facets(channelId) {
      const cache = await channelEntries(channelId);
      const models = new Set<string>();
      const people = new Map<string, string | undefined>();
      for (const entry of cache.bySeq.values()) {
        models.add(entry.model);
        people.set(entry.requester.id, entry.requester.name ?? people.get(entry.requester.id));
      }
      return {
        models: [...models].sort(),
        people: [...people].map(([id, name]) => ({ id, ...(name !== undefined && { name }) })),
      };
    },
  };
}
