export {
  createImageBlobs,
  defaultImageTtlMs,
  type ImageBlobs,
  imageBlobNamespace,
  imageMetadataNamespace,
  type StoredImage,
  sha256Hex,
} from './blobs.js';
export { createImageStore, defaultImageStoreUrl, type ImageStoreOptions } from './create-image-store.js';
export { createStore, defaultStoreUrl } from './create-store.js';
export type { FileImageStore } from './file-image-store.js';
export { type ImageStore, sha256HexInChunks } from './image-store.js';
export { SqliteKeyvAdapter, type SqliteKeyvAdapterOptions } from './sqlite-adapter.js';
export {
  defaultStoreNamespace,
  type ReserveResult,
  type Store,
  type StoreLogger,
  type StoreOptions,
} from './store.js';
