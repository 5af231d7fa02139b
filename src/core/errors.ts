/**
 * Every failure the core can report. Adapters turn `code` into user-facing text in one place;
 * `message` is already safe to show (never a secret, never a stack) and names valid choices where any.
 */
export const errorCodes = [
  'config',
  'unknown_model',
  'invalid_option',
  'invalid_image',
  'auth',
  'quota',
  'invalid_request',
  'content_policy',
  'rate_limit',
  'upstream',
  'timeout',
  'network',
  'malformed_response',
  'empty_result',
  'download_failed',
  'cancelled',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ImagineErrorDetails {
  retryable?: boolean;
  /** HTTP status of the upstream answer, when there was one. */
  status?: number;
  /** The provider's or gateway's own error code (`moderation_blocked`, `DataInspectionFailed`…). */
  providerCode?: string;
  requestId?: string;
  /** Valid values, for `invalid_option` / `unknown_model`. */
  choices?: readonly string[];
  /** The option that was wrong, for `invalid_option`. */
  option?: string;
  /** How long the upstream asked us to wait (429 `Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ImagineError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly requestId: string | undefined;
  readonly choices: readonly string[] | undefined;
  readonly option: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, details: ImagineErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ImagineError';
    this.code = code;
    this.retryable = details.retryable ?? false;
    this.status = details.status;
    this.providerCode = details.providerCode;
    this.requestId = details.requestId;
    this.choices = details.choices;
    this.option = details.option;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Structured fields for an operator's log line. */
  toLogFields(): Record<string, unknown> {
    return {
      code: this.code,
      retryable: this.retryable,
      status: this.status,
      providerCode: this.providerCode,
      requestId: this.requestId,
      message: this.message,
    };
  }
}

export function isImagineError(error: unknown): error is ImagineError {
  return error instanceof ImagineError;
}

export function invalidOption(option: string, message: string, choices?: readonly string[]): ImagineError {
  const suffix = choices && choices.length > 0 ? ` Valid: ${choices.join(', ')}.` : '';
  return new ImagineError('invalid_option', `${message}${suffix}`, { option, choices });
}

/** The caller cancelled (Ctrl-C, /cancel, a closed interaction). */
export function cancelledError(cause?: unknown): ImagineError {
  return new ImagineError('cancelled', 'The request was cancelled.', cause === undefined ? {} : { cause });
}
