import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConversationStore } from '../../../src/core/conversations/conversation-store.js';
import { createKeyedLock } from '../../../src/core/keyed-lock.js';
import { createStore } from '../../../src/core/store/index.js';
import type { Store } from '../../../src/core/store/store.js';

describe('conversation store', () => {
  let store: Store;
  beforeEach(async () => {
    store = await createStore('memory://');
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps every turn when many edits of one thread finish at once', async () => {
    const conversations = createConversationStore(store, 60_000, () => 1);
    await conversations.create({ id: 'c1', channelId: 'console:local', turns: [], updatedAt: 0 });
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        conversations.append('c1', [{ role: 'user', text: `edit ${index}`, images: [] }], `job${index}`),
      ),
    );
    const conversation = await conversations.get('c1');
    expect(conversation?.turns.map((turn) => turn.text)).toEqual(
      Array.from({ length: 10 }, (_, index) => `edit ${index}`),
    );
    expect(conversation?.currentJobId).toBe('job9');
  });

  it('answers undefined for an unknown conversation, thread or message', async () => {
    const conversations = createConversationStore(store, 60_000);
    expect(await conversations.append('nope', [])).toBeUndefined();
    expect(await conversations.conversationOfThread('discord:1')).toBeUndefined();
    expect(await conversations.jobOfMessage('discord:1:2')).toBeUndefined();
  });
});

describe('keyed lock', () => {
  it('runs steps of one key in order, keeps going after a failure, and lets other keys run', async () => {
    const lock = createKeyedLock();
    const order: string[] = [];
    const step =
      (label: string, fail = false) =>
      async () => {
        order.push(`start ${label}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${label}`);
        if (fail) throw new Error(label);
        return label;
      };
    const results = await Promise.allSettled([
      lock.run('a', step('a1', true)),
      lock.run('a', step('a2')),
      lock.run('b', step('b1')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(order.indexOf('end a1')).toBeLessThan(order.indexOf('start a2'));
    expect(order.indexOf('start b1')).toBeLessThan(order.indexOf('end a1'));
  });
});
