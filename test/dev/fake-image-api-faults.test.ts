import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import {
  expectedLast,
  imagesOf,
  itemsOf,
  jsonOf,
  plainSchema,
  post,
  smallSide,
} from './fake-image-api-helpers.js';

let api: FakeImageApi;

beforeAll(async () => {
  api = await startFakeImageApi({ maxSide: smallSide });
});
afterAll(() => api.close());
beforeEach(() => {
  api.clearFaults();
  api.setResponseShape('wrapped');
});

const body = { model: 'gpt-image-1', prompt: 'a lighthouse' };

async function control(method: string, path: string, payload?: unknown) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    ...(payload !== undefined && {
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    }),
  });
  const json: unknown = await response.json();
  return { status: response.status, json };
}

/** Resolves once the fake has recorded `count` requests, so a test can act while one is in flight. */
async function recorded(server: FakeImageApi, count: number): Promise<void> {
  while (server.requests.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('status faults', () => {
  it('answers 429 with Retry-After and a gateway error body once, then images again', async () => {
    api.fault({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    const limited = await post(api, body);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(jsonOf(limited)).toEqual({
      error: {
        message: `当前分组上游负载已饱和，请稍后再试 (request id: ${limited.headers.get('x-request-id')})`,
        type: 'new_api_error',
        param: '',
        code: 'rate_limit_exceeded',
      },
    });
    expect((await post(api, body)).status).toBe(200);
  });

  it('applies a fault `times` times, in the order faults were queued', async () => {
    api.fault({ kind: 'status', status: 500, times: 2 });
    api.fault({ kind: 'status', status: 503 });
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await post(api, body)).status);
    expect(statuses).toEqual([500, 500, 503, 200]);
  });

  it('answers a given body with its content type', async () => {
    api.fault({ kind: 'status', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
    const answer = await post(api, body);
    expect([answer.status, answer.headers.get('content-type'), answer.text]).toEqual([
      502,
      'text/html',
      '<html>Bad Gateway</html>',
    ]);
  });
});

describe('content-policy faults', () => {
  it.each([
    [
      'openai',
      400,
      (id: string) => ({
        error: {
          message: `Your request was rejected by the safety system. safety_violations=[violence]. (request id: ${id})`,
          type: 'image_generation_user_error',
          param: '',
          code: 'moderation_blocked',
        },
      }),
    ],
    [
      'seedream',
      400,
      (id: string) => ({
        error: {
          code: 'OutputImageSensitiveContentDetected',
          message: `The request failed because the output image may contain sensitive information. Request id: ${id}`,
        },
      }),
    ],
    [
      'qwen',
      400,
      (id: string) => ({
        request_id: id,
        code: 'DataInspectionFailed',
        message: 'Input data may contain inappropriate content.',
      }),
    ],
    [
      'gemini_block',
      400,
      (id: string) => ({
        error: {
          message: `The prompt was blocked by Gemini: blockReason=PROHIBITED_CONTENT (request id: ${id})`,
          type: 'new_api_error',
          code: 'prompt_blocked',
        },
      }),
    ],
    [
      'wrapped',
      200,
      (id: string) => ({
        code: 400,
        msg: `内容包含敏感信息: the request contains sensitive content (request id: ${id})`,
      }),
    ],
  ] as const)('answers the %s refusal in its upstream shape', async (style, status, expected) => {
    api.fault({ kind: 'content_policy', style });
    const answer = await post(api, body);
    expect(answer.status).toBe(status);
    expect(jsonOf(answer)).toEqual(expected(answer.headers.get('x-request-id') ?? ''));
  });
});

describe('answers without a usable image', () => {
  it('answers 200 with JSON cut short', async () => {
    api.fault({ kind: 'malformed_json' });
    const answer = await post(api, body);
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text)).toThrow(SyntaxError);
  });

  it('answers an empty data list, or one item with both fields empty', async () => {
    api.fault({ kind: 'empty' });
    api.fault({ kind: 'empty', blank: true });
    api.setResponseShape('plain');
    expect(itemsOf(await post(api, body))).toEqual([]);
    expect(itemsOf(await post(api, body))).toEqual([{ url: '', b64_json: '', revised_prompt: '' }]);
  });

  it('answers a url whose download is a 403 OSS XML error', async () => {
    api.fault({ kind: 'expired_url' });
    const [item] = itemsOf(await post(api, body));
    expect(item?.b64_json).toBe('');
    const download = await fetch(item?.url ?? '');
    expect(download.status).toBe(403);
    expect(download.headers.get('content-type')).toBe('application/xml');
    const xml = await download.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired.</Message>');
  });

  it('answers a url that serves an HTML page', async () => {
    api.fault({ kind: 'not_image_url' });
    const [item] = itemsOf(await post(api, body));
    const download = await fetch(item?.url ?? '');
    expect([download.status, download.headers.get('content-type')]).toEqual([
      200,
      'text/html; charset=utf-8',
    ]);
    expect(await download.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('answers the url a foreign_url fault names, as it is', async () => {
    api.fault({ kind: 'foreign_url', url: 'http://10.0.0.5/image.png?X-Amz-Signature=abc' });
    const [item] = itemsOf(await post(api, body));
    expect(item?.url).toBe('http://10.0.0.5/image.png?X-Amz-Signature=abc');
  });

  it('answers a url on its own origin that redirects where a redirect_url fault says', async () => {
    api.fault({ kind: 'redirect_url', location: 'http://127.0.0.1:9/elsewhere.png' });
    const [item] = itemsOf(await post(api, body));
    expect(item?.url.startsWith(`${api.url}/files/`)).toBe(true);
    const download = await fetch(item?.url ?? '', { redirect: 'manual' });
    expect([download.status, download.headers.get('location')]).toEqual([
      302,
      'http://127.0.0.1:9/elsewhere.png',
    ]);
  });

  it('answers 404 NoSuchKey for a file it never served', async () => {
    const download = await fetch(`${api.url}/files/0000000000000000.png`);
    expect(download.status).toBe(404);
    expect(await download.text()).toContain('<Code>NoSuchKey</Code>');
  });
});

describe('slow answers', () => {
  it('holds a latency-faulted answer while later requests are answered', async () => {
    const slowApi = await startFakeImageApi();
    slowApi.fault({ kind: 'latency', ms: 60_000 });
    const slow = post(slowApi, body).then(
      () => 'answered',
      () => 'failed',
    );
    await recorded(slowApi, 1);
    expect((await post(slowApi, { ...body, prompt: 'fast' })).status).toBe(200);
    // close() cuts the wait short instead of keeping the process alive for a minute.
    await slowApi.close();
    expect(await slow).toBe('failed');
  });

  it('holds a burst of latency-faulted answers without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      api.fault({ kind: 'latency', ms: 50, times: 20 });
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(api, body)));
      expect(answers.map((answer) => answer.status)).toStrictEqual(Array(20).fill(200));
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('answers the normal image once the latency has passed', async () => {
    api.fault({ kind: 'latency', ms: 1 });
    const [image] = await imagesOf(await post(api, body));
    expect(image?.equals((await expectedLast(api))[0] ?? Buffer.alloc(0))).toBe(true);
  });

  it('never answers a hung request, and close() ends it', async () => {
    const hangApi = await startFakeImageApi();
    hangApi.fault({ kind: 'hang' });
    const hung = post(hangApi, body).then(
      () => 'answered',
      () => 'failed',
    );
    await recorded(hangApi, 1);
    expect((await post(hangApi, body)).status).toBe(200);
    await hangApi.close();
    expect(await hung).toBe('failed');
  });
});

describe('control endpoints', () => {
  it('queues a fault posted as JSON and clears faults on DELETE', async () => {
    expect(await control('POST', '/_fake/faults', { kind: 'status', status: 503, times: 2 })).toEqual({
      status: 200,
      json: { queued: { kind: 'status', status: 503, times: 2 } },
    });
    expect((await post(api, body)).status).toBe(503);
    expect(await control('DELETE', '/_fake/faults')).toEqual({ status: 200, json: { cleared: true } });
    expect((await post(api, body)).status).toBe(200);
  });

  it('lists the faults left over from earlier requests on GET, with the requests each still applies to', async () => {
    expect(await control('GET', '/_fake/faults')).toEqual({ status: 200, json: { faults: [] } });
    await control('POST', '/_fake/faults', { kind: 'status', status: 503, times: 2 });
    await control('POST', '/_fake/faults', { kind: 'latency', ms: 1 });
    expect((await post(api, body)).status).toBe(503);
    const leftover = {
      faults: [
        { fault: { kind: 'status', status: 503, times: 2 }, remaining: 1 },
        { fault: { kind: 'latency', ms: 1 }, remaining: 1 },
      ],
    };
    expect(await control('GET', '/_fake/faults')).toEqual({ status: 200, json: leftover });
    expect(api.pendingFaults()).toEqual(leftover.faults);
    expect((await post(api, body)).status).toBe(503);
    expect((await post(api, body)).status).toBe(200);
    expect(await control('GET', '/_fake/faults')).toEqual({ status: 200, json: { faults: [] } });
    // DELETE clears what is left.
    await control('POST', '/_fake/faults', { kind: 'hang', times: 3 });
    await control('DELETE', '/_fake/faults');
    expect(await control('GET', '/_fake/faults')).toEqual({ status: 200, json: { faults: [] } });
  });

  it('rejects a fault of the wrong shape, naming the problem', async () => {
    const answer = await control('POST', '/_fake/faults', { kind: 'latency' });
    expect(answer).toEqual({
      status: 400,
      json: {
        error: {
          message: 'ms: Invalid input: expected number, received undefined',
          type: 'invalid_request_error',
          param: '',
          code: 'invalid_request',
        },
      },
    });
  });

  it('sets the shape and delivery by POST /_fake/config', async () => {
    expect(await control('POST', '/_fake/config', { shape: 'plain', delivery: 'url' })).toEqual({
      status: 200,
      json: { shape: 'plain', delivery: 'url' },
    });
    const [item] = plainSchema.parse(jsonOf(await post(api, body))).data;
    expect(item?.url).toMatch(/\/files\/[0-9a-f]{16}\.png$/);
    await control('POST', '/_fake/config', { shape: 'wrapped', delivery: 'auto' });
  });

  it('lists recorded requests with the Authorization header redacted', async () => {
    await post(api, body, { authorization: 'Bearer sk-do-not-leak' });
    const response = await fetch(`${api.url}/_fake/requests`);
    const text = await response.text();
    expect(text).not.toContain('sk-do-not-leak');
    expect(z.array(z.unknown()).parse(JSON.parse(text)).at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/images/generations',
      headers: { authorization: 'Bearer [redacted]' },
      body,
      model: 'gpt-image-1',
      family: 'gpt-image',
    });
    expect(api.requests.at(-1)?.headers.authorization).toBe('Bearer sk-do-not-leak');
  });
});
