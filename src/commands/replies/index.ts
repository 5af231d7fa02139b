export {
  fitToUploadLimit,
  formatBytes,
  resizedNote,
  type UploadImage,
} from '../../core/images/fit-upload.js';
export { caption, footnote, formatSeconds } from './caption.js';
export {
  errorReply,
  errorText,
  formatDuration,
  genericErrorText,
  type QuotaRefusal,
  quotaText,
} from './error-text.js';
export { originText } from './origin-text.js';
export { resultButtons } from './result-buttons.js';
export { progressText, type ResultReplyOptions, resultReply } from './result-reply.js';
