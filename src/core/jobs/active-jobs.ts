import { z } from 'zod';
import { createKeyedLock } from '../keyed-lock.js';
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

export function createActiveJobJournal(store: Store): ActiveJobJournal {
  const lock = createKeyedLock();
  const read = async () => (await store.getParsed(namespace, key, journalSchema)) ?? [];
  const change = (apply: (entries: ActiveJobEntry[]) => ActiveJobEntry[]) =>
    lock.run(key, async () => {
      await store.set(namespace, key, apply(await read()));
    });
  return {
    list: async () => (await read()).sort((first, second) => first.sequence - second.sequence),
    async add(entry) {
      let added: ActiveJobEntry = { ...entry, sequence: 1 };
      await change((entries) => {
        const sequence = Math.max(0, ...entries.map((stored) => stored.sequence)) + 1;
        added = { id: entry.id, userId: entry.userId, sequence };
        return [...entries.filter((stored) => stored.id !== entry.id), added];
      });
      return added;
    },
    remove: (id) => change((entries) => entries.filter((stored) => stored.id !== id)),
    markHandedBack: (id) =>
      change((entries) =>
        entries.map((stored) => (stored.id === id ? { ...stored, handedBack: true } : stored)),
      ),
  };
}
