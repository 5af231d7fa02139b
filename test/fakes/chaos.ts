import { seededRandom } from '../../src/dev/seeded-random.js';

/** Seeded random failures of a fake platform's API calls (fake Slack's Web API, fake Discord's REST). */
export interface PlatformChaos {
  /** The share of calls that fail (0–1). */
  rate: number;
  seed: number;
  /** The statuses a failed call answers, drawn with equal odds; default 429, 500, 502, 503. */
  statuses?: readonly number[];
  /** A 429's Retry-After, in seconds (default 1; Discord takes fractions). */
  retryAfterSeconds?: number;
}

export interface PlatformChaosStats {
  /** Calls that drew. */
  draws: number;
  /** Failures answered, by status. */
  injected: Record<string, number>;
}

export const defaultChaosStatuses: readonly number[] = [429, 500, 502, 503];

/** Draws once per call: the status to fail it with, or undefined. The same seed gives the same sequence. */
export function platformChaos(settings: PlatformChaos) {
  const random = seededRandom(settings.seed);
  const statuses = settings.statuses ?? defaultChaosStatuses;
  const stats: PlatformChaosStats = { draws: 0, injected: {} };
  return {
    retryAfterSeconds: settings.retryAfterSeconds ?? 1,
    draw(): number | undefined {
      stats.draws += 1;
      // Two numbers per draw, hit or not, so one call's outcome never shifts the next ones'.
      const [hit = 1, which = 0] = [random(), random()];
      if (hit >= settings.rate) return undefined;
      const status = statuses[Math.floor(which * statuses.length)] ?? 500;
      stats.injected[status] = (stats.injected[status] ?? 0) + 1;
      return status;
    },
    stats: (): PlatformChaosStats => ({ draws: stats.draws, injected: { ...stats.injected } }),
  };
}
export type PlatformChaosPicker = ReturnType<typeof platformChaos>;
