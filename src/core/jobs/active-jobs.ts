import { z } from 'zod';
import type { Store } from '../store/store.js';

/**
 * The embedded runner's journal: the jobs it has accepted and not yet finished (queued or running), with their
 * submit order, kept in the store so a new process on the same store can resume them. One process owns a
 * journal (embedded mode), so a read-modify-write under a local lock is enough.
 */
const activeEntrySchema = z.object({
  id: z.string(),
  userId: z.string(),
  /** Submit order across restarts: a resumed job keeps its place ahead of newer ones. */
  sequence: z.number(),
  /** Set when a shutdown handed the job back unfinished: its stored status says cancelled, but it must resume. */
  handedBack: z.boolean().optional(),
});
export type ActiveJobEntry = z.infer<typeof activeEntrySchema>;

const journalSchema = z.array(activeEntrySchema);
const namespace = 'jobs-active';
const key = 'index';

export interface ActiveJobJournal {
  /** Oldest first. */
  list(): Promise<ActiveJobEntry[]>;
  add(entry: { id: string; userId: string }): Promise<ActiveJobEntry>;
  remove(id: string): Promise<void>;
  markHandedBack(id: string): Promise<void>;
}

/**
 * Writes are group commits: the entries live in memory (loaded once), and every change made in the same turn of
 * the event loop, or while a write is in flight, goes out together after a timer. A burst of 200 commands, or a
 * wave of jobs finishing together, costs a few writes of the list, not one write of the whole list per change
 * (the list is as long as the queue); each change still resolves only once it is stored.
 */
export function createActiveJobJournal(store: Store): ActiveJobJournal {
  let loaded: Promise<Map<string, ActiveJobEntry>> | undefined;
  let lastWrite: Promise<void> = Promise.resolve();
  let nextWrite: Promise<void> | undefined;
  const entries = () => {
    loaded ??= store
      .getParsed(namespace, key, journalSchema)
      .then((stored) => new Map((stored ?? []).map((entry) => [entry.id, entry])));
    return loaded;
  };
  const persist = (current: Map<string, ActiveJobEntry>): Promise<void> => {
    if (nextWrite !== undefined) return nextWrite;
    const write = lastWrite
      .catch(() => undefined)
      // A timer, not setImmediate: this turn's changes gather, and calls started this turn go out first.
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
      .then(() => {
        // From here on, changes wait for the write after this one.
        nextWrite = undefined;
        return store.set(namespace, key, [...current.values()]);
      });
    nextWrite = write;
    lastWrite = write;
    return write;
  };
  const change = async (apply: (current: Map<string, ActiveJobEntry>) => void) => {
    const current = await entries();
    apply(current);
    await persist(current);
  };
  return {
    // Read from the store (after this journal's own writes): it is what a new process recovers from, and
    // another process may have written it since this one first looked.
    async list() {
      await (nextWrite ?? lastWrite).catch(() => undefined);
      const current = await entries();
      const stored = (await store.getParsed(namespace, key, journalSchema)) ?? [];
      current.clear();
      for (const entry of stored) current.set(entry.id, entry);
      return [...current.values()].sort((first, second) => first.sequence - second.sequence);
    },
    async add(entry) {
      let added: ActiveJobEntry = { ...entry, sequence: 1 };
      await change((current) => {
        current.delete(entry.id);
        const sequence = Math.max(0, ...[...current.values()].map((stored) => stored.sequence)) + 1;
        added = { id: entry.id, userId: entry.userId, sequence };
        current.set(entry.id, added);
      });
      return added;
    },
    remove: (id) => change((current) => void current.delete(id)),
    markHandedBack: (id) =>
      change((current) => {
        const stored = current.get(id);
        if (stored !== undefined) current.set(id, { ...stored, handedBack: true });
      }),
  };
}
