import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Store } from './store.js';

export interface EventClaims {
  /**
   * True for the first process to claim `key` (an interaction, a message, a signed delivery) until `ttlMs` passes;
   * every instance sharing the store sees the same answer. When the store cannot answer, true: handling an event
   * twice beats never handling it.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

export function createEventClaims(store: Store, logger: Pick<Logger, 'warn'>): EventClaims {
  const owner = `${process.pid}-${randomUUID()}`;
  return {
    async claim(key, ttlMs) {
      try {
        return await store.claim(key, owner, ttlMs);
      } catch (error) {
        logger.warn('could not claim an event; handling it anyway', { key, error });
        return true;
      }
    },
  };
}
