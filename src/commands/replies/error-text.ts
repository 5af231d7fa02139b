import { cleanExcerpt } from '../../core/client/classify-error.js';
import { type ErrorCode, isImagineError } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact-secrets.js';
import type { Reply } from '../reply.js';

/** One of our own quota refusals (the bot's limits, not the image service's). */
export interface QuotaRefusal {
  reason: 'rate_limit' | 'user_daily' | 'channel_daily';
  limit: number;
  retryAfterMs: number;
}

export const genericErrorText = 'Something went wrong on our side. Please try again.';

/** Errors a user can fix by asking again: these get a Retry button. */
const retryableByUser: ReadonlySet<ErrorCode> = new Set([
  'timeout',
  'upstream',
  'network',
  'rate_limit',
  'empty_result',
  'malformed_response',
  'download_failed',
]);

const fixedTexts: Record<ErrorCode, string | undefined> = {
  config: 'The bot is not set up correctly — an admin needs to check its configuration.',
  unknown_model: undefined,
  invalid_option: undefined,
  invalid_image: undefined,
  auth: 'The image service refused our key — an admin needs to check IMAGE_API_KEY.',
  quota: 'The image service account has run out of credit — an admin needs to top it up.',
  invalid_request: undefined,
  content_policy:
    'The image service blocked this request as unsafe content. Rephrase the prompt, or try another model with --model.',
  rate_limit: 'The image service is busy (rate limited). Press Retry or try again in a minute.',
  upstream: 'The image service had a problem on its side. Press Retry or try again in a moment.',
  timeout: 'The image service took too long. Press Retry or try again.',
  network: 'Could not reach the image service. Press Retry or try again in a moment.',
  malformed_response: 'The image service sent back something that is not an image. Press Retry or try again.',
  empty_result: 'The model returned no image. Try rephrasing the prompt, or press Retry.',
  download_failed: 'The image was made but could not be downloaded. Press Retry or try again.',
  cancelled: 'Cancelled.',
};

const maxKeptMessage = 1000;
const maxUpstreamMessage = 200;
// The client's lead-in before the upstream's own words (classify-error.ts).
const rejectedLead = /^The image API rejected the request:?\s*/;

/** One short, safe message for any failure: what happened and what to do. Never a stack, secret or HTML. */
export function errorText(error: unknown): string {
  if (!isImagineError(error)) return genericErrorText;
  const fixed = fixedTexts[error.code];
  if (fixed !== undefined) return fixed;
  if (error.code === 'invalid_request') {
    const upstream = safeMessage(error.message.replace(rejectedLead, ''), maxUpstreamMessage);
    const said = /^[\s.:]*$/.test(upstream)
      ? 'The image service rejected the request.'
      : `The image service rejected the request: ${upstream}`;
    return `${/[.!?…]$/.test(said) ? said : `${said}.`} Check your options and try again.`;
  }
  // unknown_model, invalid_option, invalid_image: the core's message names the valid choices.
  const kept = safeMessage(error.message, maxKeptMessage);
  return kept === '' ? genericErrorText : kept;
}

/** An ephemeral error reply; errors worth asking again carry a Retry button for the job. */
export function errorReply(error: unknown, jobId?: string): Reply {
  const retry = jobId !== undefined && isImagineError(error) && retryableByUser.has(error.code);
  return {
    kind: 'error',
    text: errorText(error),
    images: [],
    buttons: retry ? [{ action: 'reroll', jobId, label: '🔁 Retry' }] : [],
    ephemeral: true,
    ...(jobId === undefined ? {} : { jobId }),
  };
}

/** Our own limits: `You've used your 20 images for today; the quota resets in 3 h 12 min.` */
export function quotaText(refusal: QuotaRefusal): string {
  const wait = formatDuration(refusal.retryAfterMs);
  const images = plural(refusal.limit, 'image');
  switch (refusal.reason) {
    case 'user_daily':
      return `You've used your ${images} for today; the quota resets in ${wait}.`;
    case 'channel_daily':
      return `This channel has used its ${images} for today; the quota resets in ${wait}.`;
    case 'rate_limit':
      return `Slow down — you've reached the limit of ${plural(refusal.limit, 'request')} in a short time. Try again in ${wait}.`;
  }
}

/** `42 s`, `12 min`, `3 h 12 min`, `3 h`: rounded up, so a user never comes back too early. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(1, Math.ceil(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Single line, tags stripped, credentials redacted, trimmed: core messages are meant to be safe; be sure. */
function safeMessage(message: string, maxLength: number): string {
  return cleanExcerpt(redactSecrets(message, []), maxLength);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
