import { createHash } from 'node:crypto';
import type { JobRunner } from '../jobs/runner.js';
import type { ImageStore } from '../store/image-store.js';
import type { Store } from '../store/store.js';
import type { ReadinessCheck } from './readiness.js';

const probeBytes = Buffer.from('imagine-bot readiness probe');
const probeHash = createHash('sha256').update(probeBytes).digest('hex');
const probeTtlMs = 10 * 60 * 1000;

/**
 * The readiness checks of the parts every app has. Each writes (or asks) for real: a store that has closed, lost
 * its Redis or its disk fails here, not at a user's next request.
 */
export function partProbes(parts: {
  store: Store;
  imageStore: ImageStore;
  runner: Pick<JobRunner, 'stats'>;
  now: () => number;
}): Record<'store' | 'imageStore' | 'queue', ReadinessCheck> {
  return {
    store: async () => {
      await parts.store.set('health', 'probe', parts.now(), probeTtlMs);
      return undefined;
    },
    // The same few bytes each time: a file or Redis store only moves their expiry.
    imageStore: async () => {
      await parts.imageStore.put(probeHash, probeBytes, probeTtlMs);
      return undefined;
    },
    queue: async () => {
      await parts.runner.stats();
      return undefined;
    },
  };
}
