import { describe, expect, it } from 'vitest';
import { parseImageResponse } from '../../../src/core/client/response-schema.js';

const context = { status: 200, headers: {} };
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function thrown(payload: unknown) {
  try {
    parseImageResponse(payload, context);
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseImageResponse', () => {
  it('reads the wrapped shape and treats empty strings as absent', () => {
    const payload = {
      code: 200,
      msg: '操作成功',
      data: { data: [{ url: '', b64_json: png, revised_prompt: '' }], created: 1757320007 },
    };
    expect(parseImageResponse(payload, context)).toEqual({ images: [{ bytes: png }], failures: [] });
  });

  it('reads the plain shape with a url and a revised prompt', () => {
    const payload = {
      created: 1709459123,
      data: [{ url: 'https://example.com/generated-image.png', revised_prompt: '一隻可愛的橙色小貓' }],
    };
    expect(parseImageResponse(payload, context)).toEqual({
      images: [{ url: 'https://example.com/generated-image.png', revisedPrompt: '一隻可愛的橙色小貓' }],
      failures: [],
    });
  });

  it('decodes a b64_json string left undecoded', () => {
    const payload = { data: [{ b64_json: png.toString('base64') }] };
    expect(parseImageResponse(payload, context).images).toEqual([{ bytes: png }]);
  });

  it('keeps Ark per-image failures beside the images that succeeded', () => {
    const payload = {
      data: [
        { b64_json: png },
        {
          error: {
            code: 'OutputImageSensitiveContentDetected',
            message: 'output image may contain sensitive information',
          },
        },
      ],
    };
    const result = parseImageResponse(payload, context);
    expect(result.images).toEqual([{ bytes: png }]);
    expect(result.failures.map((failure) => [failure.code, failure.providerCode, failure.message])).toEqual([
      [
        'content_policy',
        'OutputImageSensitiveContentDetected',
        "The provider's content filter blocked this request: output image may contain sensitive information",
      ],
    ]);
  });

  it('throws the per-image failure when no image succeeded', () => {
    const payload = { data: [{ error: { code: 'InputTextSensitiveContentDetected', message: 'x' } }] };
    expect(thrown(payload)).toMatchObject({ code: 'content_policy', retryable: false });
  });

  it('throws a classified error for a wrapped code other than 200', () => {
    expect(thrown({ code: 400, msg: 'size is invalid', data: null })).toMatchObject({
      code: 'invalid_request',
      message: 'The image API rejected the request: size is invalid',
    });
  });

  it('throws empty_result (retryable) when no item holds an image', () => {
    for (const payload of [{ data: [] }, { data: [{ url: '', b64_json: '', revised_prompt: '' }] }]) {
      expect(thrown(payload)).toMatchObject({ code: 'empty_result', retryable: true });
    }
  });

  it('throws content_policy for a Gemini block without data', () => {
    expect(thrown({ promptFeedback: { blockReason: 'SAFETY' } })).toMatchObject({
      code: 'content_policy',
      providerCode: 'SAFETY',
    });
    expect(thrown({ data: [], candidates: [{ finishReason: 'IMAGE_SAFETY' }] })).toMatchObject({
      code: 'content_policy',
    });
  });

  it('throws malformed_response for an unknown shape', () => {
    expect(thrown({ images: [] })).toMatchObject({ code: 'malformed_response', retryable: true });
    expect(thrown([1, 2])).toMatchObject({ code: 'malformed_response' });
    expect(thrown({ code: 200, msg: 'ok' })).toMatchObject({ code: 'malformed_response' });
  });

  it('reads a wrapped answer whose data is the list itself', () => {
    expect(parseImageResponse({ code: 200, msg: 'ok', data: [{ b64_json: png }] }, context).images).toEqual([
      { bytes: png },
    ]);
  });
});
