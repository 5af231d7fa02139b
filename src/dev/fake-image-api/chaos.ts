import { z } from 'zod';
import { seededRandom } from '../seeded-random.js';
import type { ContentPolicyStyle, Fault } from './faults.js';

/** What a chaos draw can answer: every failure the fake knows that needs no argument. */
export const chaosKinds = [
  'rate_limit',
  'server_error',
  'unavailable',
  'hang',
  'malformed_json',
  'content_policy',
  'empty',
  'expired_url',
  'not_image_url',
] as const;
export type ChaosKind = (typeof chaosKinds)[number];

export const chaosSettingsSchema = z.strictObject({
  /** The share of valid generation requests that fail (0–1). */
  rate: z.number().min(0).max(1),
  seed: z.number().int(),
  /** Default: every kind, drawn with equal odds. */
  kinds: z.array(z.enum(chaosKinds)).min(1).optional(),
  /** The Retry-After of `rate_limit` answers (default 1). */
  retryAfterSeconds: z.number().int().min(0).optional(),
  /** Every drawn request first waits a random time in this range, in ms (like generations of varied length). */
  latencyMs: z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) }).optional(),
});
export type ChaosSettings = z.input<typeof chaosSettingsSchema>;

const contentPolicyStyles: readonly ContentPolicyStyle[] = [
  'openai',
  'seedream',
  'qwen',
  'gemini_block',
  'wrapped',
];

export interface ChaosStats {
  settings: ChaosSettings;
  /** Generation requests that drew (queued faults come first and draw nothing). */
  draws: number;
  /** Faults answered, by kind. */
  injected: Partial<Record<ChaosKind, number>>;
}

/**
 * Seeded random faults: each valid generation request with no queued fault draws once; with odds `rate` it gets
 * one of `kinds`. The same seed and the same order of requests give the same faults.
 */
export class Chaos {
  private readonly random: () => number;
  private readonly kinds: readonly ChaosKind[];
  private draws = 0;
  private readonly injected: Partial<Record<ChaosKind, number>> = {};

  constructor(private readonly settings: z.output<typeof chaosSettingsSchema>) {
    this.random = seededRandom(settings.seed);
    this.kinds = settings.kinds ?? chaosKinds;
  }

  /** This request's wait, and its fault (with the kind it was drawn as) when the draw says so. */
  draw(): { delayMs: number; failure?: { kind: ChaosKind; fault: Fault } } {
    this.draws += 1;
    // Every draw takes the same count of numbers, so one request's outcome never shifts the next ones'.
    const [hit = 1, which = 0, detail = 0, wait = 0] = [
      this.random(),
      this.random(),
      this.random(),
      this.random(),
    ];
    const latency = this.settings.latencyMs;
    const delayMs = latency ? latency.min + Math.floor(wait * Math.max(0, latency.max - latency.min)) : 0;
    if (hit >= this.settings.rate) return { delayMs };
    const kind = this.kinds[Math.floor(which * this.kinds.length)] ?? 'server_error';
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
    return { delayMs, failure: { kind, fault: this.faultOf(kind, detail) } };
  }

  stats(): ChaosStats {
    return { settings: this.settings, draws: this.draws, injected: { ...this.injected } };
  }

  private faultOf(kind: ChaosKind, detail: number): Fault {
    switch (kind) {
      case 'rate_limit':
        return { kind: 'status', status: 429, retryAfterSeconds: this.settings.retryAfterSeconds ?? 1 };
      case 'server_error':
        return { kind: 'status', status: 500 };
      case 'unavailable':
        return { kind: 'status', status: 503 };
      case 'content_policy':
        return {
          kind: 'content_policy',
          style: contentPolicyStyles[Math.floor(detail * contentPolicyStyles.length)] ?? 'openai',
        };
      case 'empty':
        return { kind: 'empty', blank: detail < 0.5 };
      default:
        return { kind };
    }
  }
}
