import { type ErrorCode, ImagineError } from '../errors.js';

// When every call failed, the most useful failure is the one the user can act on.
const failurePriority: readonly ErrorCode[] = [
  'cancelled',
  'content_policy',
  'invalid_request',
  'auth',
  'quota',
  'download_failed',
  'rate_limit',
  'empty_result',
  'malformed_response',
  'timeout',
  'network',
  'upstream',
];

/** The failure to report when every call failed. */
export function mostInformative(failures: readonly ImagineError[]): ImagineError {
  const rank = (error: ImagineError) => {
    const index = failurePriority.indexOf(error.code);
    return index === -1 ? failurePriority.length : index;
  };
  const best = [...failures].sort((left, right) => rank(left) - rank(right))[0];
  return best ?? new ImagineError('empty_result', 'The model returned no image.');
}
