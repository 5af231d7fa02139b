/**
 * An image store's housekeeping: one sweep at a time (a second caller shares the running one), repeated on a timer
 * that never keeps a finished process alive. `intervalMs` 0 means never on a timer (tests call `sweep()`).
 */
export interface PeriodicSweep {
  sweep(): Promise<number>;
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

export function periodicSweep(
  sweepOnce: () => Promise<number>,
  intervalMs: number,
  onError: (error: unknown) => void,
): PeriodicSweep {
  let sweeping: Promise<number> | undefined;
  const sweep = (): Promise<number> => {
    sweeping ??= sweepOnce().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };
  const timer = intervalMs > 0 ? setInterval(() => sweep().catch(onError), intervalMs) : undefined;
  timer?.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await sweeping?.catch(() => undefined);
    },
  };
}
