import { createMemoryImageStore } from '../../../src/core/store/memory-image-store.js';
import { describeImageStoreBehaviour } from './image-store-behaviour.js';

let now = 1_800_000_000_000;
const shared = createMemoryImageStore({ now: () => now });

describeImageStoreBehaviour('memory', {
  // One process, one map: "another instance" is the same one, and closing it must not lose the others' data.
  open: async () => ({ ...shared, close: async () => {} }),
  pass: (ms) => {
    now += ms;
  },
});
