import { describe, expect, it } from 'vitest';
import { createSemaphore } from '../../../src/core/net/semaphore.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createSemaphore', () => {
  it('lets at most `limit` holders in and serves waiters first come, first served', async () => {
    const semaphore = createSemaphore(2);
    const order: string[] = [];
    const first = await semaphore.acquire();
    const second = await semaphore.acquire();
    const third = semaphore.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = semaphore.acquire().then((release) => {
      order.push('fourth');
      return release;
    });
    await tick();
    expect(semaphore.active).toBe(2);
    expect(semaphore.waiting).toBe(2);
    expect(order).toEqual([]);

    second();
    await tick();
    expect(order).toEqual(['third']);
    first();
    await tick();
    expect(order).toEqual(['third', 'fourth']);
    expect(semaphore.active).toBe(2);
    (await third)();
    (await fourth)();
    expect(semaphore.active).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const semaphore = createSemaphore(1);
    const release = await semaphore.acquire();
    release();
    release();
    expect(semaphore.active).toBe(0);
    await semaphore.acquire();
    expect(semaphore.active).toBe(1);
  });

  it('rejects a waiter with cancelled when its signal fires, and skips it', async () => {
    const semaphore = createSemaphore(1);
    const holder = await semaphore.acquire();
    const controller = new AbortController();
    const cancelled = semaphore.acquire(controller.signal);
    const next = semaphore.acquire();
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(semaphore.waiting).toBe(1);
    holder();
    const release = await next;
    expect(semaphore.active).toBe(1);
    release();
    expect(semaphore.active).toBe(0);
  });

  it('rejects at once when the signal has already fired', async () => {
    const semaphore = createSemaphore(1);
    const controller = new AbortController();
    controller.abort();
    await expect(semaphore.acquire(controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
    expect(semaphore.active).toBe(0);
  });
});
