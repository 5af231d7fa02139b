import { z } from 'zod';

/** Failures the fake can be told to produce; each applies to the next `times` (default 1) generation requests. */
const times = z.number().int().min(1).optional();

export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0), times }),
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(200).max(599),
    retryAfterSeconds: z.number().int().min(0).optional(),
    body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    contentType: z.string().min(1).optional(),
    times,
  }),
  // Accept the request and never answer (until close).
  z.strictObject({ kind: z.literal('hang'), times }),
  // 200 with JSON cut in the middle.
  z.strictObject({ kind: z.literal('malformed_json'), times }),
  z.strictObject({
    kind: z.literal('content_policy'),
    style: z.enum(['openai', 'seedream', 'qwen', 'gemini_block', 'wrapped']),
    times,
  }),
  // 200 with `data: []`, or with `blank: true` one item whose url and b64_json are both "".
  z.strictObject({ kind: z.literal('empty'), blank: z.boolean().optional(), times }),
  // A url whose download answers 403 with an OSS-style XML body.
  z.strictObject({ kind: z.literal('expired_url'), times }),
  // A url that serves an HTML page.
  z.strictObject({ kind: z.literal('not_image_url'), times }),
  // A url on whatever origin is given, as a compromised or misconfigured gateway could answer.
  z.strictObject({ kind: z.literal('foreign_url'), url: z.string().min(1), times }),
  // A url on the fake's own origin whose download redirects (302) to `location`.
  z.strictObject({ kind: z.literal('redirect_url'), location: z.string().min(1), times }),
]);
export type Fault = z.input<typeof faultSchema>;
export type ContentPolicyStyle = Extract<Fault, { kind: 'content_policy' }>['style'];

export class FaultQueue {
  private readonly queued: { fault: Fault; remaining: number }[] = [];

  push(fault: Fault): void {
    this.queued.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.queued.length = 0;
  }

  /** The fault for this generation request, if one is queued. */
  take(): Fault | undefined {
    const head = this.queued[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.queued.shift();
    return head.fault;
  }
}

export interface CannedAnswer {
  status: number;
  body: object;
}

/** new-api's error body (upstream-notes §1): message with the request id, `param` always a string. */
export function gatewayError(status: number, message: string, type: string, code: string): CannedAnswer {
  return { status, body: { error: { message, type, param: '', code } } };
}

const statusDefaults: Record<number, { type: string; code: string; message: string }> = {
  400: { type: 'invalid_request_error', code: 'invalid_request', message: 'Bad request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Invalid API key' },
  403: {
    type: 'new_api_error',
    code: 'insufficient_user_quota',
    message: 'Insufficient quota for this token',
  },
  // one-api rewrites 429 messages to Chinese: "the upstream of this group is saturated, retry later".
  429: { type: 'new_api_error', code: 'rate_limit_exceeded', message: '当前分组上游负载已饱和，请稍后再试' },
  500: { type: 'new_api_error', code: 'internal_error', message: 'Internal server error' },
  502: { type: 'upstream_error', code: 'bad_response_status_code', message: 'Bad response status code 502' },
  503: { type: 'new_api_error', code: 'service_unavailable', message: 'No available channel, retry later' },
  504: { type: 'upstream_error', code: 'gateway_timeout', message: 'Upstream timed out' },
};

/** The body a `status` fault answers when it brings none of its own. */
export function defaultStatusAnswer(status: number, requestId: string): CannedAnswer {
  const known = statusDefaults[status] ?? {
    type: 'upstream_error',
    code: 'upstream_error',
    message: 'Upstream error',
  };
  return gatewayError(status, `${known.message} (request id: ${requestId})`, known.type, known.code);
}

/** Content-policy refusals in the shapes each upstream really sends (upstream-notes §1, §3, §4, §5, §8). */
export function contentPolicyAnswer(style: ContentPolicyStyle, requestId: string): CannedAnswer {
  switch (style) {
    case 'openai':
      return gatewayError(
        400,
        `Your request was rejected by the safety system. safety_violations=[violence]. (request id: ${requestId})`,
        'image_generation_user_error',
        'moderation_blocked',
      );
    case 'seedream':
      return {
        status: 400,
        body: {
          error: {
            code: 'OutputImageSensitiveContentDetected',
            message: `The request failed because the output image may contain sensitive information. Request id: ${requestId}`,
          },
        },
      };
    case 'qwen':
      return {
        status: 400,
        body: {
          request_id: requestId,
          code: 'DataInspectionFailed',
          message: 'Input data may contain inappropriate content.',
        },
      };
    case 'gemini_block':
      return {
        status: 400,
        body: {
          error: {
            message: `The prompt was blocked by Gemini: blockReason=PROHIBITED_CONTENT (request id: ${requestId})`,
            type: 'new_api_error',
            code: 'prompt_blocked',
          },
        },
      };
    case 'wrapped':
      return {
        status: 200,
        body: {
          code: 400,
          msg: `内容包含敏感信息: the request contains sensitive content (request id: ${requestId})`,
        },
      };
  }
}

/** What an expired OSS signed URL answers (HTTP 403). */
export function expiredUrlXml(requestId: string, now: Date): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Error>',
    '  <Code>AccessDenied</Code>',
    '  <Message>Request has expired.</Message>',
    `  <RequestId>${requestId}</RequestId>`,
    '  <HostId>fake-oss.127.0.0.1</HostId>',
    `  <Expires>${new Date(now.getTime() - 3_600_000).toISOString()}</Expires>`,
    `  <ServerTime>${now.toISOString()}</ServerTime>`,
    '</Error>',
    '',
  ].join('\n');
}

export function noSuchKeyXml(requestId: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Error>',
    '  <Code>NoSuchKey</Code>',
    '  <Message>The specified key does not exist.</Message>',
    `  <RequestId>${requestId}</RequestId>`,
    '</Error>',
    '',
  ].join('\n');
}

export const notAnImageHtml =
  '<!DOCTYPE html><html><head><title>Link expired</title></head>' +
  '<body><h1>This link is no longer available</h1></body></html>\n';
