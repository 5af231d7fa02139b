import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createQuotas, type QuotaLimits, type Quotas } from '../../../src/core/jobs/quotas.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { recordingLogger } from '../store/store-behaviour.js';

/** 2024-05-01 10:20:30.250 UTC: 29.75 s to the next minute, 13 h 39 min 29.75 s to midnight. */
const start = Date.UTC(2024, 4, 1, 10, 20, 30, 250);
const toNextMinute = 29_750;
const toMidnight = Date.UTC(2024, 4, 2) - start;

function movableClock() {
  let now = start;
  return {
    now: () => now,
    set: (time: number) => {
      now = time;
    },
  };
}

const limitsOf = (overrides: Partial<QuotaLimits>): QuotaLimits => ({
  userPerMinute: 0,
  userPerDay: 0,
  channelPerDay: 0,
  ...overrides,
});

/** `count` reservations at once, alternating between the instances (two processes sharing one store). */
function reserveAtOnce(instances: readonly Quotas[], count: number, user: string, channel: string) {
  return Promise.all(
    Array.from({ length: count }, (_, index) => instances[index % instances.length]?.reserve(user, channel)),
  );
}

interface Harness {
  /** Two clients on one shared state (the same object twice for memory). */
  openPair(): Promise<[Store, Store]>;
}

function describeQuotas(name: string, harness: Harness): void {
  describe(`quotas over ${name}`, () => {
    const opened: Store[] = [];
    const openPair = async () => {
      const pair = await harness.openPair();
      opened.push(...pair);
      return pair;
    };
    afterEach(async () => {
      await Promise.all([...new Set(opened.splice(0))].map((store) => store.close()));
    });
    // The stores may be shared with other runs: every test uses its own ids.
    const ids = () => ({
      user: `user-${randomUUID()}`,
      other: `user-${randomUUID()}`,
      channel: `c-${randomUUID()}`,
    });

    it('grants exactly 3 of 20 parallel reservations against a daily quota of 3, from two instances', async () => {
      const [first, second] = await openPair();
      const { user, channel } = ids();
      const clock = movableClock();
      const limits = limitsOf({ userPerMinute: 100, userPerDay: 3, channelPerDay: 50 });
      const instances = [createQuotas(first, limits, clock), createQuotas(second, limits, clock)];
      const results = await reserveAtOnce(instances, 20, user, channel);
      expect(results.filter((result) => result?.ok)).toHaveLength(3);
      const refusals = results.filter((result) => result !== undefined && !result.ok);
      expect(refusals).toHaveLength(17);
      for (const refusal of refusals) {
        expect(refusal).toEqual({ ok: false, reason: 'user_daily', limit: 3, retryAfterMs: toMidnight });
      }
      expect(await instances[0]?.usage(user, channel)).toEqual({
        userToday: 3,
        userLimit: 3,
        channelToday: 3,
        channelLimit: 50,
      });
    });

    it('gives every slot back on refund, once however often it is called', async () => {
      const [store] = await openPair();
      const { user, channel } = ids();
      const quotas = createQuotas(
        store,
        limitsOf({ userPerMinute: 2, userPerDay: 2, channelPerDay: 5 }),
        movableClock(),
      );
      const first = await quotas.reserve(user, channel);
      const second = await quotas.reserve(user, channel);
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: false, reason: 'rate_limit' });
      if (!first.ok || !second.ok) throw new Error('expected two reservations');
      await first.refund();
      await first.refund();
      expect(await quotas.usage(user, channel)).toEqual({
        userToday: 1,
        userLimit: 2,
        channelToday: 1,
        channelLimit: 5,
      });
      // The minute slot came back too: the user got nothing for the refunded call.
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
      expect(await quotas.reserve(user, channel)).toEqual({
        ok: false,
        reason: 'rate_limit',
        limit: 2,
        retryAfterMs: toNextMinute,
      });
    });

    it('shares a channel quota between users and gives back the user slot it refused after', async () => {
      const [store] = await openPair();
      const { user, other, channel } = ids();
      const quotas = createQuotas(store, limitsOf({ userPerDay: 5, channelPerDay: 2 }), movableClock());
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
      expect(await quotas.reserve(other, channel)).toMatchObject({ ok: true });
      expect(await quotas.reserve(user, channel)).toEqual({
        ok: false,
        reason: 'channel_daily',
        limit: 2,
        retryAfterMs: toMidnight,
      });
      expect(await quotas.usage(user, channel)).toEqual({
        userToday: 1,
        userLimit: 5,
        channelToday: 2,
        channelLimit: 2,
      });
      expect(await quotas.reserve(user, `${channel}-elsewhere`)).toMatchObject({ ok: true });
    });

    it('takes no window while another refuses: parallel requests hear the limit that is really reached', async () => {
      const [first, second] = await openPair();
      const { user, other, channel } = ids();
      const limits = limitsOf({ userPerMinute: 10, userPerDay: 1, channelPerDay: 1 });
      const instances = [
        createQuotas(first, limits, movableClock()),
        createQuotas(second, limits, movableClock()),
      ];
      expect(await instances[0]?.reserve(other, channel)).toMatchObject({ ok: true });
      // The channel is full: each of these is refused for it, and none may hold the user's last daily slot
      // meanwhile (the other would then hear that the user's own quota is spent).
      const results = await reserveAtOnce(instances, 6, user, channel);
      for (const result of results) {
        expect(result).toEqual({ ok: false, reason: 'channel_daily', limit: 1, retryAfterMs: toMidnight });
      }
      expect(await instances[1]?.usage(user, channel)).toEqual({
        userToday: 0,
        userLimit: 1,
        channelToday: 1,
        channelLimit: 1,
      });
      expect(await instances[1]?.reserve(user, `${channel}-elsewhere`)).toMatchObject({ ok: true });
    });

    it('refuses past the per-minute rate limit without touching the daily quotas, until the next minute', async () => {
      const [store] = await openPair();
      const { user, channel } = ids();
      const clock = movableClock();
      const quotas = createQuotas(
        store,
        limitsOf({ userPerMinute: 2, userPerDay: 10, channelPerDay: 10 }),
        clock,
      );
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
      clock.set(start + 29_000);
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
      expect(await quotas.reserve(user, channel)).toEqual({
        ok: false,
        reason: 'rate_limit',
        limit: 2,
        retryAfterMs: toNextMinute - 29_000,
      });
      expect(await quotas.usage(user, channel)).toMatchObject({ userToday: 2, channelToday: 2 });
      clock.set(start + toNextMinute);
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
      expect(await quotas.usage(user, channel)).toMatchObject({ userToday: 3, channelToday: 3 });
    });

    it('starts a fresh daily quota at UTC midnight', async () => {
      const [store] = await openPair();
      const { user, channel } = ids();
      const clock = movableClock();
      const quotas = createQuotas(store, limitsOf({ userPerDay: 1 }), clock);
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
      clock.set(start + toMidnight - 1);
      expect(await quotas.reserve(user, channel)).toEqual({
        ok: false,
        reason: 'user_daily',
        limit: 1,
        retryAfterMs: 1,
      });
      clock.set(start + toMidnight);
      expect(await quotas.usage(user, channel)).toEqual({
        userToday: 0,
        userLimit: 1,
        channelToday: 0,
        channelLimit: 0,
      });
      expect(await quotas.reserve(user, channel)).toMatchObject({ ok: true });
    });

    it('never refuses when every limit is 0, and still counts the day', async () => {
      const [store] = await openPair();
      const { user, channel } = ids();
      const quotas = createQuotas(store, limitsOf({}), movableClock());
      const results = await Promise.all(Array.from({ length: 12 }, () => quotas.reserve(user, channel)));
      expect(results.every((result) => result.ok)).toBe(true);
      expect(await quotas.usage(user, channel)).toEqual({
        userToday: 12,
        userLimit: 0,
        channelToday: 12,
        channelLimit: 0,
      });
    });
  });
}

describeQuotas('memory://', {
  openPair: async () => {
    const store = await createStore('memory://', { logger: recordingLogger() });
    return [store, store];
  },
});

const directory = mkdtempSync(join(tmpdir(), 'imagine-bot-quotas-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const openSqlite = () =>
  createStore(`sqlite://${join(directory, 'quotas.sqlite')}`, { logger: recordingLogger() });

describeQuotas('sqlite:// (two connections to one file)', {
  openPair: async () => [await openSqlite(), await openSqlite()],
});

const redisUrl = process.env.REDIS_URL;
// A unique prefix per run, removed afterwards: the server may be shared with other runs.
const redisNamespace = `imagine-bot-quotas-test-${randomUUID()}`;
if (!redisUrl) console.warn('REDIS_URL not set: skipping Redis quota tests');

describe.skipIf(!redisUrl)('redis', () => {
  const url = redisUrl ?? '';
  const open = () => createStore(url, { namespace: redisNamespace, logger: recordingLogger() });
  afterAll(async () => {
    const client = createClient({ url });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${redisNamespace}:*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
    await client.close();
  });
  describeQuotas(url, { openPair: async () => [await open(), await open()] });
});

describe('quota counters', () => {
  /** The memory store, with every counter call written down. */
  async function recordingStore() {
    const store = await createStore('memory://', { logger: recordingLogger() });
    const calls: string[] = [];
    const recorded: Store = {
      ...store,
      async reserveAll(windows) {
        calls.push(
          `reserveAll ${windows.map((window) => `${window.key} limit=${window.limit} ttl=${window.ttlMs}`).join(' | ')}`,
        );
        return store.reserveAll(windows);
      },
      async release(key) {
        calls.push(`release ${key}`);
        return store.release(key);
      },
    };
    return { store: recorded, calls };
  }

  it('keys each window by UTC minute or day, with TTLs a little past the window', async () => {
    const { store, calls } = await recordingStore();
    const quotas = createQuotas(
      store,
      limitsOf({ userPerMinute: 5, userPerDay: 1, channelPerDay: 10 }),
      movableClock(),
    );
    const reservation = await quotas.reserve('discord:42', 'discord:7');
    await quotas.reserve('discord:42', 'discord:7');
    if (reservation.ok) await reservation.refund();
    const windows = [
      'quota:user-minute:discord:42:2024-05-01T10:20 limit=5 ttl=34750',
      `quota:user-day:discord:42:2024-05-01 limit=1 ttl=${toMidnight + 3_600_000}`,
      `quota:channel-day:discord:7:2024-05-01 limit=10 ttl=${toMidnight + 3_600_000}`,
    ].join(' | ');
    // One store operation per reservation, refused or not; a refused one takes nothing, so gives nothing back.
    expect(calls).toEqual([
      `reserveAll ${windows}`,
      `reserveAll ${windows}`,
      'release quota:user-minute:discord:42:2024-05-01T10:20',
      'release quota:user-day:discord:42:2024-05-01',
      'release quota:channel-day:discord:7:2024-05-01',
    ]);
    await store.close();
  });

  it('takes nothing when the store fails, and passes the failure on', async () => {
    const { store, calls } = await recordingStore();
    const failing: Store = {
      ...store,
      async reserveAll() {
        throw new Error('disk full');
      },
    };
    const quotas = createQuotas(failing, limitsOf({ userPerDay: 2 }), movableClock());
    await expect(quotas.reserve('u', 'c')).rejects.toThrow('disk full');
    // The store's one operation either took every window or none: nothing to give back.
    expect(calls).toEqual([]);
    expect(await quotas.usage('u', 'c')).toMatchObject({ userToday: 0, channelToday: 0 });
    await store.close();
  });
});
