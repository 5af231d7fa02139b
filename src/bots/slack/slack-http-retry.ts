import type { IncomingHttpHeaders } from 'node:http';
import { retryAfterMsFromHeaders } from '../../core/client/classify-error.js';
import { withRetries } from '../../core/client/retry.js';
import { ImagineError } from '../../core/errors.js';

const maxRetries = 3;

export interface SlackAnswer {
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * Sends to one of Slack's endpoints outside the Web API (a file's upload URL, a command's response_url), again
 * after a 429 (at its Retry-After), a 5xx or a network error — up to 3 more times, with a jittered backoff —
 * as the Web API client does for its own calls. Sending either again is safe: an upload URL keeps the bytes
 * only until the upload is completed, and our response_url posts replace the note. Resolves with the first
 * other answer's status; rejects once the retries are spent. `send` must build its body afresh each time.
 */
export async function sendWithRetries(what: string, send: () => Promise<SlackAnswer>): Promise<number> {
  return withRetries(
    async () => {
      let answer: SlackAnswer;
      try {
        answer = await send();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ImagineError('network', `${what} could not be reached: ${reason}`, {
          retryable: true,
          cause: error,
        });
      }
      if (answer.status !== 429 && answer.status < 500) return answer.status;
      const retryAfterMs = retryAfterMsFromHeaders(answer.headers, Date.now);
      throw new ImagineError(
        answer.status === 429 ? 'rate_limit' : 'upstream',
        `${what} answered ${answer.status}`,
        {
          retryable: true,
          status: answer.status,
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        },
      );
    },
    { maxRetries, baseDelayMs: 500, maxDelayMs: 4000 },
  );
}
