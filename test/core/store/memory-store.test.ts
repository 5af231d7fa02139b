import { createStore } from '../../../src/core/store/index.js';
import { describeStoreBehaviour, recordingLogger } from './store-behaviour.js';

describeStoreBehaviour('memory://', {
  open: () => createStore('memory://', { logger: recordingLogger() }),
  openPair: async () => {
    // One process, one map: the "two clients" are the same store racing with itself.
    const store = await createStore('memory://', { logger: recordingLogger() });
    return [store, store];
  },
});
