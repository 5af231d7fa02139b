import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createActiveJobJournal } from '../../../src/core/jobs/active-jobs.js';
import { createStore } from '../../../src/core/store/index.js';
import type { Store } from '../../../src/core/store/store.js';

const directory = mkdtempSync(join(tmpdir(), 'active-jobs-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The real SQLite store, with its writes to the journal counted. */
function countingWrites(store: Store): { store: Store; writes: () => number } {
  let writes = 0;
  const counted: Store = Object.create(store);
  counted.set = (namespace, key, value, ttlMs) => {
    if (namespace === 'jobs-active') writes += 1;
    return store.set(namespace, key, value, ttlMs);
  };
  return { store: counted, writes: () => writes };
}

describe('the embedded runner’s journal of active jobs', () => {
  it('stores a burst of 100 jobs in a few group writes, each add resolving once stored, in submit order', async () => {
    const store = await createStore(`sqlite://${join(directory, 'burst.sqlite')}`);
    const { store: counted, writes } = countingWrites(store);
    const journal = createActiveJobJournal(counted);
    const ids = Array.from({ length: 100 }, (_, index) => `job-${index}`);
    const added = await Promise.all(ids.map((id, index) => journal.add({ id, userId: `user-${index % 7}` })));
    expect(added.map((entry) => entry.sequence)).toStrictEqual(ids.map((_, index) => index + 1));
    expect(writes()).toBeLessThanOrEqual(3);

    await Promise.all(ids.slice(0, 50).map((id) => journal.remove(id)));
    await journal.markHandedBack('job-60');
    expect(writes()).toBeLessThanOrEqual(6);

    // What a new process on the same file reads back.
    const reopened = createActiveJobJournal(store);
    const listed = await reopened.list();
    expect(listed.map((entry) => entry.id)).toStrictEqual(ids.slice(50));
    expect(listed.find((entry) => entry.id === 'job-60')?.handedBack).toBe(true);
    expect((await reopened.add({ id: 'job-new', userId: 'user-1' })).sequence).toBe(101);
    await store.close();
  });

  it('writes the changes of one turn together, even when each comes from its own chain of awaits', async () => {
    const store = await createStore(`sqlite://${join(directory, 'wave.sqlite')}`);
    const { store: counted, writes } = countingWrites(store);
    const journal = createActiveJobJournal(counted);
    const ids = Array.from({ length: 48 }, (_, index) => `job-${index}`);
    await Promise.all(ids.map((id) => journal.add({ id, userId: 'u' })));
    const before = writes();
    // A wave of 16 jobs finishing in one turn: each job's own work reaches its removal after other awaits.
    const settleAfter = async (id: string, awaits: number) => {
      for (let step = 0; step < awaits; step += 1) await Promise.resolve();
      await journal.remove(id);
    };
    await Promise.all(ids.slice(0, 16).map((id, index) => settleAfter(id, index * 3)));
    expect(writes() - before).toBe(1);
    expect((await createActiveJobJournal(store).list()).map((entry) => entry.id)).toStrictEqual(
      ids.slice(16),
    );
    await store.close();
  });

  it('lists what the store holds now, also what another process wrote after this one first looked', async () => {
    const store = await createStore(`sqlite://${join(directory, 'shared.sqlite')}`);
    const watcher = createActiveJobJournal(store);
    expect(await watcher.list()).toEqual([]);
    const writerStore = await createStore(`sqlite://${join(directory, 'shared.sqlite')}`);
    const writer = createActiveJobJournal(writerStore);
    await writer.add({ id: 'j1', userId: 'u1' });
    await writer.add({ id: 'j2', userId: 'u2' });
    expect((await watcher.list()).map((entry) => entry.id)).toEqual(['j1', 'j2']);
    // Its own next change builds on what it listed.
    expect((await watcher.add({ id: 'j3', userId: 'u3' })).sequence).toBe(3);
    await Promise.all([store.close(), writerStore.close()]);
  });

  it('rejects the add whose write failed, and the next change writes again', async () => {
    const store = await createStore(`sqlite://${join(directory, 'failing.sqlite')}`);
    const failing: Store = Object.create(store);
    let failNext = true;
    failing.set = (namespace, key, value, ttlMs) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('disk full'));
      }
      return store.set(namespace, key, value, ttlMs);
    };
    const journal = createActiveJobJournal(failing);
    await expect(journal.add({ id: 'a', userId: 'u' })).rejects.toThrow('disk full');
    await journal.add({ id: 'b', userId: 'u' });
    expect((await createActiveJobJournal(store).list()).map((entry) => entry.id)).toStrictEqual(['a', 'b']);
    await store.close();
  });
});
