import type { Store } from '../store/store.js';

/** How many requests a user and a channel may make; 0 means unlimited. */
export interface QuotaLimits {
  userPerMinute: number;
  userPerDay: number;
  channelPerDay: number;
}

export type QuotaReason = 'rate_limit' | 'user_daily' | 'channel_daily';

export interface Reservation {
  ok: true;
  /** The counters taken, so another process can give them back (`Quotas.refund`). */
  keys: readonly string[];
  /** Gives every slot back (the user got nothing); calling it again does nothing. */
  refund(): Promise<void>;
}

export interface QuotaRefusal {
  ok: false;
  reason: QuotaReason;
  limit: number;
  /** Until the refusing window resets. */
  retryAfterMs: number;
}

export interface QuotaUsage {
  userToday: number;
  userLimit: number;
  channelToday: number;
  channelLimit: number;
}

export interface Quotas {
  reserve(userId: string, channelId: string): Promise<Reservation | QuotaRefusal>;
  usage(userId: string, channelId: string): Promise<QuotaUsage>;
  /** Gives back counters a reservation took (its `keys`); the caller makes sure it happens once. */
  refund(keys: readonly string[]): Promise<void>;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** Counters outlive their window a little, so a late refund still finds its counter. */
const minuteMarginMs = 5_000;
const dayMarginMs = 3_600_000;
/** Unlimited daily counters still count, so `usage` can report them. */
const uncapped = Number.MAX_SAFE_INTEGER;

interface Window {
  key: string;
  limit: number;
  reason: QuotaReason;
  /** When the window resets (epoch ms). */
  endsAt: number;
  ttlMs: number;
}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function utcMinute(time: number): string {
  return new Date(time).toISOString().slice(0, 16);
}

function dayEnd(time: number): number {
  return (Math.floor(time / dayMs) + 1) * dayMs;
}

const quotaKeys = {
  userMinute: (userId: string, time: number) => `quota:user-minute:${userId}:${utcMinute(time)}`,
  userDay: (userId: string, time: number) => `quota:user-day:${userId}:${utcDay(time)}`,
  channelDay: (channelId: string, time: number) => `quota:channel-day:${channelId}:${utcDay(time)}`,
};

/**
 * Per-user rate limit (UTC minute) and daily quotas (UTC day) for users and channels, kept in the store so
 * every instance shares them. Windows are keyed by the clock, so a new minute or day is a new counter.
 */
export function createQuotas(store: Store, limits: QuotaLimits, clock: { now(): number } = Date): Quotas {
  function windowsAt(userId: string, channelId: string, now: number): Window[] {
    const minuteEnd = (Math.floor(now / minuteMs) + 1) * minuteMs;
    const midnight = dayEnd(now);
    const windows: Window[] = [];
    // The minute counter is only useful for its limit; skip it when unlimited.
    if (limits.userPerMinute > 0) {
      windows.push({
        key: quotaKeys.userMinute(userId, now),
        limit: limits.userPerMinute,
        reason: 'rate_limit',
        endsAt: minuteEnd,
        ttlMs: minuteEnd - now + minuteMarginMs,
      });
    }
    windows.push(
      {
        key: quotaKeys.userDay(userId, now),
        limit: limits.userPerDay,
        reason: 'user_daily',
        endsAt: midnight,
        ttlMs: midnight - now + dayMarginMs,
      },
      {
        key: quotaKeys.channelDay(channelId, now),
        limit: limits.channelPerDay,
        reason: 'channel_daily',
        endsAt: midnight,
        ttlMs: midnight - now + dayMarginMs,
      },
    );
    return windows;
  }

  async function releaseAll(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => store.release(key)));
  }

  return {
    async reserve(userId: string, channelId: string): Promise<Reservation | QuotaRefusal> {
      const now = clock.now();
      const windows = windowsAt(userId, channelId, now);
      // All or none in one store operation: a refused window leaves nothing taken, even for a moment.
      const result = await store.reserveAll(
        windows.map((window) => ({
          key: window.key,
          limit: window.limit > 0 ? window.limit : uncapped,
          ttlMs: window.ttlMs,
        })),
      );
      if (!result.ok) {
        const refused = windows[result.refused];
        if (refused === undefined)
          throw new Error(`the store refused window ${result.refused} of ${windows.length}`);
        return {
          ok: false,
          reason: refused.reason,
          limit: refused.limit,
          retryAfterMs: refused.endsAt - now,
        };
      }
      const taken = windows.map((window) => window.key);
      let refunded = false;
      return {
        ok: true,
        keys: taken,
        async refund(): Promise<void> {
          if (refunded) return;
          refunded = true;
          await releaseAll(taken);
        },
      };
    },

    refund: releaseAll,

    async usage(userId: string, channelId: string): Promise<QuotaUsage> {
      const now = clock.now();
      const [userToday, channelToday] = await Promise.all([
        store.count(quotaKeys.userDay(userId, now)),
        store.count(quotaKeys.channelDay(channelId, now)),
      ]);
      return { userToday, userLimit: limits.userPerDay, channelToday, channelLimit: limits.channelPerDay };
    },
  };
}
