export { caption, footnote, formatSeconds } from './caption.js';
export {
  errorReply,
  errorText,
  formatDuration,
  genericErrorText,
  type QuotaRefusal,
  quotaText,
} from './error-text.js';
export { fitToUploadLimit, formatBytes, resizedNote, type UploadImage } from './fit-upload.js';
export {
  canUpscale,
  progressText,
  type ResultReplyOptions,
  resultButtons,
  resultReply,
} from './result-reply.js';
