export {
  createImageBlobs,
  defaultImageTtlMs,
  type ImageBlobs,
  imageBlobNamespace,
  type StoredImage,
  sha256Hex,
} from './blobs.js';
export { createStore, defaultStoreUrl } from './create-store.js';
export { SqliteKeyvAdapter, type SqliteKeyvAdapterOptions } from './sqlite-adapter.js';
export {
  defaultStoreNamespace,
  type ReserveResult,
  type Store,
  type StoreLogger,
  type StoreOptions,
} from './store.js';
