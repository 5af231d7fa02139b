import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  extendPrompt,
  type FakeImageApi,
  renderFor,
  startFakeImageApi,
} from '../../src/dev/fake-image-api/index.js';
import {
  dataUri,
  docExamples,
  expectedLast,
  imagesOf,
  itemsOf,
  jpegMagic,
  jsonOf,
  pngMagic,
  post,
  smallSide,
  solidPng,
} from './fake-image-api-helpers.js';

let api: FakeImageApi;
let red: Buffer;

beforeAll(async () => {
  api = await startFakeImageApi({ maxSide: smallSide });
  red = await solidPng('#ff0000', 16, 8);
});
afterAll(() => api.close());
beforeEach(() => {
  api.clearFaults();
  api.setResponseShape('wrapped');
  api.setDelivery('auto');
  api.setFixedImage(undefined);
});

const invalid = (message: string) => ({
  error: { message, type: 'invalid_request_error', param: '', code: 'invalid_request' },
});

describe('the doc examples', () => {
  const examples = () => Object.entries(docExamples(dataUri(red)));

  it('accepts each of the eight request bodies of image-api.md and answers the expected real image', async () => {
    expect(examples()).toHaveLength(8);
    for (const [name, body] of examples()) {
      const answer = await post(api, body);
      expect({ name, status: answer.status }).toEqual({ name, status: 200 });
      const [image] = await imagesOf(answer);
      const [expected] = await expectedLast(api);
      expect(image?.equals(expected ?? Buffer.alloc(0)), name).toBe(true);
      expect(api.images.at(-1)?.equals(expected ?? Buffer.alloc(0)), name).toBe(true);
      const magic = String(body.model).includes('seedream') ? jpegMagic : pngMagic;
      expect(image?.subarray(0, magic.length).equals(magic), name).toBe(true);
    }
  });

  it('records the request with its model and family', async () => {
    const body = docExamples(dataUri(red))['Qwen text to image'];
    await post(api, body, { authorization: 'Bearer sk-test' });
    expect(api.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/images/generations',
      body,
      model: 'qwen-image-plus',
      family: 'qwen',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    });
  });

  it('answers Seedream with a url and Gemini with base64, new-api style with "" for the other field', async () => {
    const examplesByName = docExamples(dataUri(red));
    const [seedream] = itemsOf(await post(api, examplesByName['Seedream text to image']));
    expect(seedream).toMatchObject({ b64_json: '', revised_prompt: '' });
    expect(seedream?.url).toMatch(new RegExp(`^${api.url}/files/[0-9a-f]{16}\\.jpg$`));
    const [gemini] = itemsOf(await post(api, examplesByName['Gemini text to image']));
    expect(gemini).toMatchObject({ url: '', revised_prompt: '' });
  });

  it('shows Qwen prompt_extend as a rewritten revised_prompt, and none when it is false', async () => {
    const text = '一副典雅莊重的對聯懸掛於廳堂之中,房間是個安靜古典的中式佈置';
    const body = docExamples(dataUri(red))['Qwen text to image'];
    expect(itemsOf(await post(api, body))[0]?.revised_prompt).toBe(extendPrompt(text));
    const noExtend = { ...body, parameters: { prompt_extend: false } };
    expect(itemsOf(await post(api, noExtend))[0]?.revised_prompt).toBe('');
  });
});

describe('a body of the wrong shape', () => {
  const cases: [string, unknown, string][] = [
    [
      'an unknown key',
      { model: 'gpt-image-1', prompt: 'a cat', colour: 'red' },
      'body: Unrecognized key: "colour"',
    ],
    [
      'a misplaced Qwen parameter',
      {
        model: 'qwen-image-plus',
        input: { messages: [{ role: 'user', content: [{ text: 'a cat' }] }] },
        prompt_extend: true,
      },
      'body: Unrecognized key: "prompt_extend"',
    ],
    [
      'n above 10',
      { model: 'gpt-image-1', prompt: 'a cat', n: 11 },
      'n: Too big: expected number to be <=10',
    ],
    [
      'a Qwen size with x',
      {
        model: 'qwen-image-plus',
        input: { messages: [{ role: 'user', content: [{ text: 'a cat' }] }] },
        parameters: { size: '1328x1328' },
      },
      'parameters.size: expected W*H, like 1328*1328',
    ],
    [
      "the doc's image placeholder",
      {
        model: 'gemini-2.5-flash-image',
        contents: [
          { role: 'user', parts: [{ text: 'x' }, { image: 'data:image/png;base64,iVBORw0KGgoAAxxxx...' }] },
        ],
      },
      'contents.0.parts.1.image: expected a data:image/<type>;base64,<data> URI',
    ],
    [
      'a data URI of text',
      {
        model: 'gpt-image-1',
        prompt: 'a cat',
        image: [`data:image/png;base64,${Buffer.from('hello').toString('base64')}`],
      },
      'image.0: the data URI does not decode to image bytes',
    ],
    [
      'both prompt and contents for Gemini',
      { model: 'gemini-2.5-flash-image', prompt: 'a', contents: [{ role: 'user', parts: [{ text: 'a' }] }] },
      'body: send either prompt (text to image) or contents (edit), not both',
    ],
    ['no model', { prompt: 'a cat' }, 'model: Invalid input: expected string, received undefined'],
  ];

  it.each(cases)('answers 400 naming the problem: %s', async (_name, body, message) => {
    const answer = await post(api, body);
    expect(answer.status).toBe(400);
    expect(jsonOf(answer)).toEqual(invalid(message));
  });

  it('answers 400 model_not_found for a model of no known family', async () => {
    const answer = await post(api, { model: 'dall-e-3', prompt: 'a cat' });
    expect(answer.status).toBe(400);
    expect(jsonOf(answer)).toEqual({
      error: { message: 'model dall-e-3 not found', type: 'invalid_request_error', code: 'model_not_found' },
    });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const answer = await post(api, '{"model": ');
    expect(answer.status).toBe(400);
    expect(jsonOf(answer)).toEqual(invalid('body: the request body is not valid JSON'));
  });

  it('accepts the input formats a family reads and rejects the others by name', async () => {
    const webp = await sharp(red).webp().toBuffer();
    expect(
      (await post(api, { model: 'gpt-image-1', prompt: 'a cat', image: dataUri(webp, 'image/webp') })).status,
    ).toBe(200);
    const gif = dataUri(await sharp(red).gif().toBuffer(), 'image/gif');
    const qwenEdit = {
      model: 'qwen-image-edit-plus',
      input: { messages: [{ role: 'user', content: [{ image: gif }, { text: 'x' }] }] },
    };
    expect(jsonOf(await post(api, qwenEdit))).toEqual(
      invalid(
        'input.messages.0.content.0.image: gif is not accepted here (accepted: jpeg, png, bmp, tiff, webp)',
      ),
    );
  });
});

describe('Gemini 3 Pro thought signatures', () => {
  const history = (model: string) => ({
    model,
    contents: [
      { role: 'user', parts: [{ text: 'a cat' }] },
      { role: 'model', parts: [{ image: dataUri(red) }] },
      { role: 'user', parts: [{ text: 'make it blue' }] },
    ],
  });

  it('rejects a replayed model image without its thought_signature, as Google does', async () => {
    const answer = await post(api, history('gemini-3-pro-image-preview'));
    expect(answer.status).toBe(400);
    expect(jsonOf(answer)).toEqual({
      error: {
        code: 400,
        message: 'Image part is missing a thought_signature in content position 2, part position 1.',
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it('lets Gemini 2.5 Flash edit from the same history, the last user text being the prompt', async () => {
    const answer = await post(api, history('gemini-2.5-flash-image'));
    const [image] = await imagesOf(answer);
    const [expected] = await expectedLast(api);
    expect(image?.equals(expected ?? Buffer.alloc(0))).toBe(true);
    // No size sent: the output follows the 2:1 input, at Gemini's 1K (1448x724), drawn at 256 here.
    const rendered = await renderFor('make it blue', {
      model: 'gemini-2.5-flash-image',
      seed: api.requests.at(-1)?.seeds?.[0] ?? -1,
      seedPicked: true,
      inputs: [red],
      width: 256,
      height: 128,
    });
    expect(image?.equals(rendered)).toBe(true);
  });
});

describe('with an API key', () => {
  let guarded: FakeImageApi;
  beforeAll(async () => {
    guarded = await startFakeImageApi({ apiKey: 'sk-right' });
  });
  afterAll(() => guarded.close());
  const body = { model: 'gpt-image-1', prompt: 'a cat' };

  it('answers 401 to a missing or wrong key without echoing it, and 200 to the right one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer sk-wrong-secret' }];
    for (const headers of attempts) {
      const answer = await post(guarded, body, headers);
      expect(answer.status).toBe(401);
      expect(answer.text).not.toContain('sk-wrong-secret');
      expect(jsonOf(answer)).toEqual({
        error: {
          message: `Invalid API key (request id: ${answer.headers.get('x-request-id')})`,
          type: 'invalid_request_error',
          param: '',
          code: 'invalid_api_key',
        },
      });
    }
    expect((await post(guarded, body, { authorization: 'Bearer sk-right' })).status).toBe(200);
  });
});

describe('calls in flight', () => {
  it('counts generation requests until answered or hung up on, and keeps the most at once', async () => {
    const counted = await startFakeImageApi({ maxSide: smallSide });
    try {
      counted.fault({ kind: 'latency', ms: 200, times: 2 });
      counted.fault({ kind: 'hang' });
      const answered = [post(counted, { model: 'gpt-image-1', prompt: 'one' })];
      answered.push(post(counted, { model: 'gpt-image-1', prompt: 'two' }));
      const caller = new AbortController();
      const hung = fetch(`${counted.url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'three' }),
        signal: caller.signal,
      }).catch(() => 'hung up');
      while (counted.inFlight().now < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      caller.abort();
      expect(await hung).toBe('hung up');
      await Promise.all(answered);
      while (counted.inFlight().now > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(counted.inFlight()).toEqual({ now: 0, max: 3 });
      for (const request of counted.requests) {
        expect(request.endedAt).toBeGreaterThanOrEqual(request.at);
      }
    } finally {
      await counted.close();
    }
  });
});
