import { ImagineError } from '../errors.js';

/** The one error a garbled answer becomes; `detail` (never shown to users) says where it broke, for logs. */
export function malformedAnswer(detail: string): ImagineError {
  return new ImagineError('malformed_response', 'The image API sent a malformed answer.', {
    retryable: true,
    cause: new Error(detail),
  });
}
