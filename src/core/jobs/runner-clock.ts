/** Time and timers, injected so tests can move time. */
export interface Clock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The real timers; their handles never leave this object. */
export function systemClock(): Clock {
  const timers = new Set<NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    setInterval(callback, ms) {
      const timer = setInterval(callback, ms);
      timers.add(timer);
      return timer;
    },
    clearInterval(handle) {
      for (const timer of timers) {
        if (timer !== handle) continue;
        clearInterval(timer);
        timers.delete(timer);
      }
    },
  };
}
