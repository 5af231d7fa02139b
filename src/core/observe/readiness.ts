/**
 * What `/readyz` asks: every part the bot needs (the store, the image store, the queue, each front end) answers
 * with a check of its own. A check returns nothing when its part is up, or a short reason when it is not; a check
 * that throws or takes longer than `timeoutMs` is not up either.
 */
import { redactSecrets } from '../redact-secrets.js';

export type ReadinessCheck = () => string | undefined | Promise<string | undefined>;

export interface ReadinessReport {
  ready: boolean;
  /** Each part: 'ok' or why not. */
  checks: Record<string, string>;
}

export interface Readiness {
  /** Adds the check of a part, or replaces the one of the same name (a front end that started). */
  add(name: string, check: ReadinessCheck): void;
  run(): Promise<ReadinessReport>;
}

export interface ReadinessOptions {
  /** Per check; default 2 s. */
  timeoutMs?: number;
  /** Cut out of every reason (a store URL's password…). */
  secrets?: readonly string[];
}

const maxReasonLength = 200;

export function createReadiness(options: ReadinessOptions = {}): Readiness {
  const timeoutMs = options.timeoutMs ?? 2000;
  const secrets = options.secrets ?? [];
  const checks = new Map<string, ReadinessCheck>();

  async function runOne(check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
    });
    try {
      const reason = await Promise.race([Promise.resolve().then(check), late]);
      return reason === undefined ? 'ok' : reason;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    add(name, check) {
      checks.set(name, check);
    },
    async run() {
      const names = [...checks.keys()];
      const reasons = await Promise.all([...checks.values()].map(runOne));
      const report: Record<string, string> = {};
      for (const [index, name] of names.entries()) {
        const reason = redactSecrets(reasons[index] ?? 'ok', secrets).split('\n')[0] ?? '';
        report[name] = reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength - 1)}…` : reason;
      }
      return { ready: Object.values(report).every((reason) => reason === 'ok'), checks: report };
    },
  };
}
