import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { type ErrorCode, ImagineError } from '../errors.js';
import { redactSecrets } from '../redact-secrets.js';

export interface ErrorContext {
  /** HTTP status of the answer (for a wrapped `{code, msg}` body, the code when it looks like a status). */
  status: number;
  headers?: IncomingHttpHeaders;
  now?: () => number;
  /** Strings that must never appear in a message (the API key). */
  secrets?: readonly string[];
}

// Error bodies come in many shapes (see docs/upstream-notes.md §8); every field is optional and lenient.
const codeValue = z.union([z.string(), z.number()]);
const optionalText = z.string().nullish().catch(undefined);
const optionalCode = codeValue.nullish().catch(undefined);
const errorObjectSchema = z.object({
  message: optionalText,
  type: optionalText,
  code: optionalCode,
  status: optionalText,
});
const errorPayloadSchema = z.object({
  error: z.union([errorObjectSchema, z.string()]).nullish().catch(undefined),
  code: optionalCode,
  msg: optionalText,
  message: optionalText,
  detail: optionalText,
  error_msg: optionalText,
  request_id: optionalText,
  promptFeedback: z
    .object({ blockReason: optionalText, blockReasonMessage: optionalText })
    .nullish()
    .catch(undefined),
  candidates: z
    .array(z.object({ finishReason: optionalText, finishMessage: optionalText }))
    .nullish()
    .catch(undefined),
});

const contentPolicyCodes = new Set([
  'moderation_blocked',
  'content_policy_violation',
  'datainspectionfailed',
  'prompt_blocked',
  'image_safety',
  'image_prohibited_content',
  'safety',
  'prohibited_content',
  'blocklist',
  'spii',
]);
const contentPolicyPattern = /sensitivecontentdetected|riskdetection/i;
const contentPolicyMessagePattern =
  /\b(moderation_blocked|content_policy_violation|DataInspectionFailed|prompt_blocked|IMAGE_SAFETY|PROHIBITED_CONTENT|SAFETY|blockReason)\b|SensitiveContentDetected|RiskDetection|rejected by the safety system|sensitive content|敏感/;
const quotaCodes = new Set(['insufficient_user_quota', 'insufficient_quota']);
const authCodes = new Set(['invalid_api_key', 'unauthenticated', 'permission_denied']);
const rateLimitPattern = /^(ratelimit|rate_limit|resource_exhausted)/i;
const invalidRequestPattern = /^(model_not_found|invalidparameter|invalid_argument|invalid_request)/i;
const requestIdPattern = /\s*\(request id:\s*([^)]*)\)/i;
const maxMessageLength = 500;

interface Signals {
  message: string | undefined;
  /** Every code-like field, most specific first. */
  codes: string[];
  requestId: string | undefined;
  blocked: boolean;
}

/** Turns a non-2xx answer (or a 2xx answer that carries an error) into an ImagineError. */
export function classifyHttpError(context: ErrorContext & { body: unknown }): ImagineError {
  const payload = typeof context.body === 'string' ? parseJsonOrText(context.body) : context.body;
  if (typeof payload === 'string') return classifySignals(textSignals(payload), context);
  return classifyErrorPayload(payload, context);
}

/** Classifies a parsed JSON error body: new-api, wrapped `{code,msg}`, DashScope, Ark, Google, Gemini blocks. */
export function classifyErrorPayload(payload: unknown, context: ErrorContext): ImagineError {
  const parsed = errorPayloadSchema.safeParse(payload);
  if (!parsed.success) return classifySignals(textSignals(''), context);
  const body = parsed.data;
  const errorObject = typeof body.error === 'object' ? body.error : undefined;
  const blockReason = body.promptFeedback?.blockReason ?? undefined;
  const finishReasons = (body.candidates ?? []).flatMap((candidate) =>
    candidate.finishReason && candidate.finishReason !== 'STOP' ? [candidate.finishReason] : [],
  );
  const codes = [
    errorObject?.code,
    body.code,
    blockReason,
    ...finishReasons,
    errorObject?.status,
    errorObject?.type,
  ]
    .filter((code) => code !== undefined && code !== null && code !== '')
    .map(String);
  // Named codes say more than numeric ones (`{"error":{"code":400,"status":"INVALID_ARGUMENT"}}`).
  codes.sort((left, right) => Number(isNumeric(left)) - Number(isNumeric(right)));
  const message =
    errorObject?.message ??
    (typeof body.error === 'string' ? body.error : undefined) ??
    body.message ??
    body.msg ??
    body.error_msg ??
    body.detail ??
    body.promptFeedback?.blockReasonMessage ??
    body.candidates?.find((candidate) => candidate.finishMessage)?.finishMessage ??
    undefined;
  const wrappedStatus =
    typeof body.code === 'number' && body.code >= 400 && body.code < 600 ? body.code : undefined;
  const status =
    context.status >= 200 && context.status < 300 && wrappedStatus ? wrappedStatus : context.status;
  return classifySignals(
    {
      message: message ?? undefined,
      codes,
      requestId: body.request_id ?? undefined,
      blocked: blockReason !== undefined || finishReasons.length > 0,
    },
    { ...context, status },
  );
}

function classifySignals(signals: Signals, context: ErrorContext): ImagineError {
  const { status } = context;
  const secrets = context.secrets ?? [];
  const rawMessage = signals.message === undefined ? undefined : redactSecrets(signals.message, secrets);
  const { text, requestId: messageRequestId } = splitRequestId(rawMessage);
  const upstream = text === undefined ? undefined : truncate(text, maxMessageLength);
  const requestId = requestIdFromHeaders(context.headers) ?? signals.requestId ?? messageRequestId;
  const lowerCodes = signals.codes.map((code) => code.toLowerCase());
  const providerCode = signals.codes[0] === undefined ? undefined : redactSecrets(signals.codes[0], secrets);
  const has = (test: (code: string) => boolean) => lowerCodes.some(test);
  const details = { status, providerCode, requestId };
  const make = (code: ErrorCode, message: string, retryable = false, retryAfterMs?: number) =>
    new ImagineError(code, message, { ...details, retryable, retryAfterMs });
  const withUpstream = (lead: string) => (upstream ? `${lead}: ${upstream}` : `${lead}.`);

  if (
    signals.blocked ||
    has((code) => contentPolicyCodes.has(code) || contentPolicyPattern.test(code)) ||
    (rawMessage !== undefined && contentPolicyMessagePattern.test(rawMessage))
  ) {
    return make('content_policy', withUpstream("The provider's content filter blocked this request"));
  }
  if (status === 402 || has((code) => quotaCodes.has(code))) {
    return make('quota', withUpstream('The image API account has run out of quota'));
  }
  if (status === 401 || status === 403 || has((code) => authCodes.has(code))) {
    return make('auth', withUpstream(`The image API refused the API key (HTTP ${status})`));
  }
  if (has((code) => code === 'empty_response')) {
    return make('empty_result', withUpstream('The model returned no image'), true);
  }
  if (status === 429 || has((code) => rateLimitPattern.test(code))) {
    const retryAfterMs = retryAfterMsFromHeaders(context.headers, context.now ?? Date.now);
    const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    return make('rate_limit', `The image API is rate limiting requests${wait}.`, true, retryAfterMs);
  }
  if (status === 408) return make('timeout', withUpstream('The image API timed out'), true);
  if (status >= 500) return make('upstream', withUpstream(`The image API failed (HTTP ${status})`), true);
  if ((status >= 400 && status < 500) || has((code) => invalidRequestPattern.test(code))) {
    return make('invalid_request', withUpstream('The image API rejected the request'));
  }
  return make('upstream', withUpstream(`The image API answered with an error (HTTP ${status})`));
}

export function requestIdFromHeaders(headers: IncomingHttpHeaders | undefined): string | undefined {
  return headerValue(headers, 'x-request-id') ?? headerValue(headers, 'x-api-request-id');
}

/** `Retry-After` in seconds or as an HTTP date; `retry-after-ms` (OpenAI) wins when present. */
export function retryAfterMsFromHeaders(
  headers: IncomingHttpHeaders | undefined,
  now: () => number,
): number | undefined {
  const milliseconds = headerValue(headers, 'retry-after-ms');
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds))
    return Math.ceil(Number(milliseconds));
  const value = headerValue(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/** A short, single-line excerpt of a text or HTML body, fit for a message. */
export function cleanExcerpt(text: string, maxLength = 200): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const source = title ?? text;
  const stripped = source
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(stripped, maxLength);
}

function textSignals(text: string): Signals {
  const excerpt = cleanExcerpt(text);
  return { message: excerpt === '' ? undefined : excerpt, codes: [], requestId: undefined, blocked: false };
}

function parseJsonOrText(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : text;
  } catch {
    return text;
  }
}

function splitRequestId(message: string | undefined): {
  text: string | undefined;
  requestId: string | undefined;
} {
  if (message === undefined) return { text: undefined, requestId: undefined };
  const match = requestIdPattern.exec(message);
  const text = (match ? message.slice(0, match.index) : message).replace(/\s+/g, ' ').trim();
  const requestId = match?.[1]?.trim() || undefined;
  return { text: text === '' ? undefined : text, requestId };
}

function headerValue(headers: IncomingHttpHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

function isNumeric(text: string): boolean {
  return /^-?\d+$/.test(text);
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
