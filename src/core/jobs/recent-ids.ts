/** Ids remembered for a while after they were added: a set that gains one per event yet does not grow for ever. */
export interface RecentIds {
  add(id: string): void;
  has(id: string): boolean;
  readonly size: number;
}

/** Each id is kept `keepMs` after its last `add`; older ones are dropped as the set is used. */
export function createRecentIds(keepMs: number, now: () => number = Date.now): RecentIds {
  // A Map iterates in insertion order, and `add` re-inserts: the oldest ids are always first.
  const addedAt = new Map<string, number>();
  const forgetOld = (at: number) => {
    for (const [id, time] of addedAt) {
      if (at - time < keepMs) return;
      addedAt.delete(id);
    }
  };
  return {
    add(id) {
      const at = now();
      forgetOld(at);
      addedAt.delete(id);
      addedAt.set(id, at);
    },
    has(id) {
      forgetOld(now());
      return addedAt.has(id);
    },
    get size() {
      return addedAt.size;
    },
  };
}
