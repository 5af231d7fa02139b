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
export {
  canUpscale,
  progressText,
  type ResultReplyOptions,
  resultButtons,
  resultReply,
} from './result-reply.js';
