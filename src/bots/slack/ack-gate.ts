import type { IncomingMessage, ServerResponse } from 'node:http';

/** Work waits for the acks at most this long, so a steady stream of requests cannot starve it. */
const defaultMaxWaitMs = 1000;
/** A burst's requests arrive over some milliseconds: work starts once none came for this long. */
const defaultQuietMs = 25;

export interface AckGateOptions {
  maxWaitMs?: number;
  quietMs?: number;
}

export interface AckGate {
  /** Counts a signed request from its arrival until its answer is written (or its connection closes). */
  track(request: IncomingMessage, response: ServerResponse): void;
  /** Resolves once no request waits for its ack and none came lately (or after the longest wait). */
  afterAcks(): Promise<void>;
}

/**
 * Acks first, work after, across requests: in a burst of slash commands, each one's work (the job, its store
 * writes, its first progress) would otherwise run between the next ones' acks and push them past Slack's 3 s.
 * Real timers on purpose: this orders work, it measures nothing a user sees.
 */
export function createAckGate(options: AckGateOptions = {}): AckGate {
  const maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
  const quietMs = options.quietMs ?? defaultQuietMs;
  let pending = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  let waiters: (() => void)[] = [];
  let check: NodeJS.Timeout | undefined;
  const quietFor = () => performance.now() - lastArrival;
  /**
   * The burst's work one request per turn of the event loop: released at once, 200 commands' work (store writes,
   * jobs started) ran as one block of a few hundred milliseconds, and the image API's first answers waited
   * behind it.
   */
  const releaseOnePerTurn = (released: readonly (() => void)[], from = 0): void => {
    released[from]?.();
    // Each command's work then waits for a turn of the event loop, so the I/O that came meanwhile (answers, posts)
    // is read in between. The check phase, not a timer: a timer waits at least 1 ms, so a burst's first 16 calls
    // went out over 20 ms (9 ms now, in the throughput bench with a warm bot).
    if (from + 1 < released.length) setImmediate(() => releaseOnePerTurn(released, from + 1));
  };
  const releaseWhenQuiet = () => {
    if (check !== undefined || waiters.length === 0) return;
    check = setTimeout(
      () => {
        check = undefined;
        if (pending > 0) return;
        if (quietFor() < quietMs) return releaseWhenQuiet();
        releaseOnePerTurn(waiters);
        waiters = [];
      },
      Math.max(0, quietMs - quietFor()),
    );
  };
  return {
    track(_request, response) {
      pending += 1;
      lastArrival = performance.now();
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        pending -= 1;
        if (pending === 0) releaseWhenQuiet();
      };
      response.once('finish', finish);
      response.once('close', finish);
    },
    afterAcks() {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== release);
          resolve();
        }, maxWaitMs);
        const release = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(release);
        if (pending === 0) releaseWhenQuiet();
      });
    },
  };
}

/** Socket Mode: acks go over the socket, nothing to wait for. */
export const noAckGate: AckGate = {
  track: () => undefined,
  afterAcks: () => Promise.resolve(),
};
