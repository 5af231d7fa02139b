import { cancelledError } from '../errors.js';

/** Gives back the slot; calling it twice is harmless. */
export type Release = () => void;

export interface Semaphore {
  /** Waits (first come, first served) for a free slot; rejects with `cancelled` if the signal fires first. */
  acquire(signal?: AbortSignal): Promise<Release>;
  readonly active: number;
  readonly waiting: number;
}

interface Waiter {
  grant: () => void;
}

/** A FIFO concurrency limiter: at most `limit` holders at once. */
export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`The concurrency limit must be a positive integer, got ${limit}.`);
  }
  let active = 0;
  const queue: Waiter[] = [];

  function makeRelease(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      if (next) {
        // The slot passes straight to the next waiter, so `active` stays the same.
        next.grant();
      } else {
        active -= 1;
      }
    };
  }

  function acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelledError(signal.reason));
    if (active < limit && queue.length === 0) {
      active += 1;
      return Promise.resolve(makeRelease());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index !== -1) queue.splice(index, 1);
        reject(cancelledError(signal?.reason));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(makeRelease());
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    acquire,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
