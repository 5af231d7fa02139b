/**
 * Runs read-modify-write steps on the same key one after another, in this process. (The store's own atomic
 * operations cover what several instances race for: quota slots and claims.)
 */
export interface KeyedLock {
  run<T>(key: string, step: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(key, step) {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(step, step);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
