export { type InputLimits, type PreparedImage, prepareInputImage } from './prepare-input.js';
export {
  describeBytes,
  extensionFor,
  type ImageMediaType,
  isImageMediaType,
  mediaTypes,
  sniffImageType,
} from './sniff.js';
