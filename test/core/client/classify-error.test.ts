import { describe, expect, it } from 'vitest';
import {
  classifyHttpError,
  cleanExcerpt,
  retryAfterMsFromHeaders,
} from '../../../src/core/client/classify-error.js';
import { redactSecrets } from '../../../src/core/redact-secrets.js';

const secret = 'sk-SENTINEL-do-not-leak-123';

function classify(status: number, body: unknown, headers: Record<string, string> = {}) {
  const error = classifyHttpError({
    status,
    body,
    headers,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    secrets: [secret],
  });
  return {
    code: error.code,
    retryable: error.retryable,
    message: error.message,
    providerCode: error.providerCode,
    requestId: error.requestId,
    retryAfterMs: error.retryAfterMs,
  };
}

describe('classifyHttpError', () => {
  it('keeps the upstream message of a 400 and moves the request id out of it', () => {
    const body = JSON.stringify({
      error: {
        message: 'size must be one of 1024x1024, 1536x1024 (request id: 20260101-abc) trailing',
        type: 'invalid_request_error',
        param: '',
        code: 'invalid_size',
      },
    });
    expect(classify(400, body)).toEqual({
      code: 'invalid_request',
      retryable: false,
      message: 'The image API rejected the request: size must be one of 1024x1024, 1536x1024',
      providerCode: 'invalid_size',
      requestId: '20260101-abc',
      retryAfterMs: undefined,
    });
  });

  it('takes the request id from x-request-id, then x-api-request-id', () => {
    expect(classify(400, 'bad', { 'x-request-id': 'header-id' }).requestId).toBe('header-id');
    expect(classify(400, 'bad', { 'x-api-request-id': 'api-id' }).requestId).toBe('api-id');
  });

  it('keeps the Gemini thought-signature 400 as invalid_request with Google status as provider code', () => {
    const message = 'Image part is missing a thought_signature in content position 2, part position 1.';
    const result = classify(400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
    expect(result).toMatchObject({
      code: 'invalid_request',
      providerCode: 'INVALID_ARGUMENT',
      message: `The image API rejected the request: ${message}`,
    });
  });

  it('classifies model_not_found as invalid_request', () => {
    const result = classify(404, {
      error: { message: 'model foo not found', type: 'x', code: 'model_not_found' },
    });
    expect(result).toMatchObject({
      code: 'invalid_request',
      retryable: false,
      providerCode: 'model_not_found',
    });
  });

  it.each([
    [
      'OpenAI moderation',
      400,
      {
        error: {
          message: 'Your request was rejected by the safety system.',
          type: 'image_generation_user_error',
          code: 'moderation_blocked',
        },
      },
      'moderation_blocked',
    ],
    [
      'content_policy_violation',
      400,
      { error: { message: 'no', code: 'content_policy_violation' } },
      'content_policy_violation',
    ],
    [
      'Ark sensitive content',
      400,
      {
        error: {
          code: 'OutputImageSensitiveContentDetected',
          message: 'output image may contain sensitive information',
        },
      },
      'OutputImageSensitiveContentDetected',
    ],
    [
      'Ark privacy',
      400,
      { error: { code: 'InputImageSensitiveContentDetected.PrivacyInformation', message: 'x' } },
      'InputImageSensitiveContentDetected.PrivacyInformation',
    ],
    [
      'risk detection',
      400,
      { error: { code: 'InputTextRiskDetection', message: 'x' } },
      'InputTextRiskDetection',
    ],
    [
      'DashScope',
      400,
      {
        request_id: 'ds-1',
        code: 'DataInspectionFailed',
        message: 'Input data may contain inappropriate content.',
      },
      'DataInspectionFailed',
    ],
    [
      'new-api prompt_blocked',
      400,
      { error: { message: 'blocked', code: 'prompt_blocked' } },
      'prompt_blocked',
    ],
    [
      'Gemini blockReason in a 200',
      200,
      { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } },
      'PROHIBITED_CONTENT',
    ],
    ['Gemini finishReason', 200, { candidates: [{ finishReason: 'IMAGE_SAFETY' }] }, 'IMAGE_SAFETY'],
    ['wrapped', 200, { code: 'SAFETY', msg: 'blocked by SAFETY' }, 'SAFETY'],
  ])('classifies %s as content_policy, never retryable', (_name, status, body, providerCode) => {
    expect(classify(status, JSON.stringify(body))).toMatchObject({
      code: 'content_policy',
      retryable: false,
      providerCode,
    });
  });

  it('keeps the DashScope request id from the body', () => {
    const body = {
      request_id: 'ds-1',
      code: 'DataInspectionFailed',
      message: 'Input data may contain inappropriate content.',
    };
    expect(classify(400, body)).toMatchObject({
      requestId: 'ds-1',
      message:
        "The provider's content filter blocked this request: Input data may contain inappropriate content.",
    });
  });

  it.each([
    [401, { error: { message: 'invalid token', type: 'new_api_error', code: '' } }, 'auth'],
    [403, 'Forbidden', 'auth'],
    [402, 'Payment Required', 'quota'],
    [403, { error: { message: 'user quota is not enough', code: 'insufficient_user_quota' } }, 'quota'],
    [429, { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } }, 'quota'],
  ])('classifies HTTP %i %j as %s, not retryable', (status, body, code) => {
    expect(classify(status, body)).toMatchObject({ code, retryable: false });
  });

  it('classifies 429 as a retryable rate limit with Retry-After in seconds', () => {
    expect(
      classify(
        429,
        { error: { message: '当前分组上游负载已饱和', code: 'rate_limit' } },
        { 'retry-after': '12' },
      ),
    ).toEqual({
      code: 'rate_limit',
      retryable: true,
      message: 'The image API is rate limiting requests (retry after 12 s).',
      providerCode: 'rate_limit',
      requestId: undefined,
      retryAfterMs: 12_000,
    });
  });

  it('reads Retry-After as an HTTP date', () => {
    const now = () => Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMsFromHeaders({}, now)).toBeUndefined();
  });

  it('classifies 5xx as retryable upstream errors and never dumps HTML', () => {
    const html =
      '<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
    expect(classify(502, html)).toMatchObject({
      code: 'upstream',
      retryable: true,
      message: 'The image API failed (HTTP 502): 502 Bad Gateway',
    });
  });

  it('treats a wrapped {code: 500, msg} in a 200 as a retryable upstream error', () => {
    expect(classify(200, { code: 500, msg: '上游错误', data: null })).toMatchObject({
      code: 'upstream',
      retryable: true,
      message: 'The image API failed (HTTP 500): 上游错误',
    });
  });

  it('maps new-api empty_response to a retryable empty_result', () => {
    expect(classify(500, { error: { message: 'no candidates', code: 'empty_response' } })).toMatchObject({
      code: 'empty_result',
      retryable: true,
    });
  });

  it('never puts the API key in a message', () => {
    const body = {
      error: {
        message: `Incorrect API key provided: ${secret}. Also Bearer ${secret}`,
        code: 'invalid_api_key',
      },
    };
    const error = classifyHttpError({ status: 401, body, secrets: [secret] });
    expect(error.message).toBe(
      'The image API refused the API key (HTTP 401): Incorrect API key provided: [redacted]. Also Bearer [redacted]',
    );
    expect(JSON.stringify(error)).not.toContain('SENTINEL');
  });
});

describe('helpers', () => {
  it('redacts masked sk- keys too', () => {
    expect(redactSecrets('key sk-abcd****wxyz is wrong', [])).toBe('key [redacted] is wrong');
  });

  it('makes a short single-line excerpt of text', () => {
    expect(cleanExcerpt(`  upstream\n\n  exploded ${'x'.repeat(300)}`, 30)).toBe(
      'upstream exploded xxxxxxxxxxx…',
    );
  });
});
