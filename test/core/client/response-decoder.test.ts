import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeJsonStream } from '../../../src/core/client/response-decoder.js';
import { isImagineError } from '../../../src/core/errors.js';

/** Deterministic chunkings, so a failure reproduces. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

async function* inPieces(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

function randomCuts(length: number, random: () => number, maxPiece: number): number[] {
  const cuts: number[] = [];
  let position = Math.floor(random() * maxPiece);
  while (position < length) {
    cuts.push(position);
    position += 1 + Math.floor(random() * maxPiece);
  }
  return cuts;
}

function everyByte(length: number): number[] {
  return Array.from({ length: Math.max(length - 1, 0) }, (_, index) => index + 1);
}

function decode(text: string | Buffer, cuts: readonly number[] = [], options = {}): Promise<unknown> {
  return decodeJsonStream(inPieces(Buffer.from(text), cuts), options);
}

/** Buffers as tagged hex: vitest compares big Buffers element by element, which is slow. */
function withHexBuffers(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `Buffer<${value.toString('hex')}>`;
  if (Array.isArray(value)) return value.map(withHexBuffers);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, withHexBuffers(entry)]));
  }
  return value;
}

async function expectDecoded(promise: Promise<unknown>, expected: unknown): Promise<void> {
  expect(withHexBuffers(await promise)).toStrictEqual(withHexBuffers(expected));
}

async function expectMalformed(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(isImagineError(error) && error.code).toBe('malformed_response');
  expect(isImagineError(error) && error.message).toBe('The image API sent a malformed answer.');
  expect(isImagineError(error) && error.retryable).toBe(true);
}

const longText = Array.from({ length: 3000 }, (_, index) =>
  String.fromCodePoint((index * 7919) % 0x2ffff),
).join('');
const corpus: readonly string[] = [
  '{}',
  '[]',
  '[[],{},[{}]]',
  '{"a":{"b":{"c":[1,[2,[3,[]]]]}}}',
  ' \n\t[ 1 , 2 ,\r\n3 ] \n',
  '0',
  '-0',
  '[-0.5e10,1E+2,1e-7,0.1,-12.5E-3,123456789012345678901234567890,9007199254740993,1e400]',
  'true',
  'false',
  'null',
  '[true,false,null]',
  '"plain"',
  '""',
  '"héllo 世界 😀 ✓"',
  '"\\u00e9\\u00E9\\ud83d\\ude00\\n\\t\\"\\\\\\/\\b\\f\\r"',
  '"lone \\ud800 surrogates \\udc00!"',
  '{"a":1,"b":2,"a":3}',
  '{"__proto__":{"polluted":true},"constructor":1}',
  '{"":"empty key","é":"ü","k\\u0041y":"\\u0000"}',
  JSON.stringify({
    text: longText,
    control: '\u0001\u001f',
    nested: [longText.slice(0, 99), { deep: [[[[[]]]]] }],
  }),
  JSON.stringify(
    Array.from({ length: 60 }).reduce<unknown>(
      (inner, _, index) => (index % 2 === 0 ? [inner, 1] : { inner }),
      'bottom',
    ),
  ),
  JSON.stringify({
    code: 200,
    msg: '操作成功',
    data: { data: [{ url: '', revised_prompt: 'a cat' }], created: 1 },
  }),
];

describe('decodeJsonStream on ordinary JSON', () => {
  it('returns what JSON.parse returns for every corpus entry, whole and cut at every byte', async () => {
    for (const text of corpus) {
      const expected: unknown = JSON.parse(text);
      expect(await decode(text)).toStrictEqual(expected);
      expect(await decode(text, everyByte(Buffer.byteLength(text)))).toStrictEqual(expected);
    }
  });

  it('returns what JSON.parse returns when each corpus entry is cut once at every split point', async () => {
    for (const text of corpus.filter((entry) => entry.length < 2000)) {
      const expected: unknown = JSON.parse(text);
      for (let cut = 1; cut < Buffer.byteLength(text); cut += 1) {
        expect(await decode(text, [cut])).toStrictEqual(expected);
      }
    }
  });

  it('returns what JSON.parse returns under random chunkings', async () => {
    const random = seededRandom(7);
    for (const text of corpus) {
      for (let round = 0; round < 20; round += 1) {
        const cuts = randomCuts(Buffer.byteLength(text), random, 1 + round * 5);
        expect(await decode(text, cuts)).toStrictEqual(JSON.parse(text));
      }
    }
  });

  it('keeps -0 negative and __proto__ an own property, as JSON.parse does', async () => {
    expect(Object.is(await decode('-0', [1]), -0)).toBe(true);
    const value = await decode('{"__proto__":{"polluted":true}}', [3]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value ?? {})).toEqual(['__proto__']);
  });

  it('decodes a multi-byte character split between chunks', async () => {
    const text = '"😀é"';
    for (let cut = 1; cut < Buffer.byteLength(text); cut += 1) {
      expect(await decode(text, [cut])).toBe('😀é');
    }
  });

  it('accepts chunks that are Uint8Arrays rather than Buffers', async () => {
    async function* plainArrays(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('{"a":[1,');
      yield new TextEncoder().encode('"b"]}');
    }
    expect(await decodeJsonStream(plainArrays())).toStrictEqual({ a: [1, 'b'] });
  });
});

describe('decodeJsonStream on base64 values', () => {
  const sizes = [0, 1, 2, 3, 4, 5, 57, 1000, 70_000, 300_001];

  it('turns b64_json into the exact decoded bytes, with and without a content-length, in random chunks', async () => {
    const random = seededRandom(11);
    for (const size of sizes) {
      const image = randomBytes(size);
      const text = JSON.stringify({
        created: 1,
        data: [{ b64_json: image.toString('base64'), revised_prompt: '' }],
      });
      const length = Buffer.byteLength(text);
      for (const maxPiece of [1 + (size % 7), 1000, 70_000]) {
        const cuts = randomCuts(length, random, maxPiece);
        const expected = { created: 1, data: [{ b64_json: image, revised_prompt: '' }] };
        await expectDecoded(decode(text, cuts), expected);
        await expectDecoded(decode(text, cuts, { contentLength: length }), expected);
      }
    }
  });

  it('decodes base64 whose slashes are escaped and whose lines are wrapped with \\n or \\r\\n', async () => {
    const random = seededRandom(13);
    const image = randomBytes(200_000);
    const base64 = image.toString('base64');
    const wrapped = (base64.match(/.{1,76}/g) ?? []).join('\\r\\n');
    for (const encoded of [base64.replaceAll('/', '\\/'), wrapped, `${wrapped.replaceAll('/', '\\/')}\\n`]) {
      const text = `{"b64_json":"${encoded}"}`;
      const expected = { b64_json: image };
      await expectDecoded(decode(text, randomCuts(text.length, random, 5000)), expected);
      await expectDecoded(decode(text, randomCuts(text.length, random, 3)), expected);
    }
  });

  it('decodes \\u-escaped base64 characters and unpadded endings', async () => {
    await expectDecoded(decode('{"b64_json":"\\u0061GVsbG8="}'), { b64_json: Buffer.from('hello') });
    await expectDecoded(decode('{"b64_json":"aGVsbG8"}', [15]), { b64_json: Buffer.from('hello') });
  });

  it('returns an empty Buffer for an empty string and leaves other types and keys alone', async () => {
    const text =
      '{"b64_json":"","url":"aGVsbG8=","list":[{"b64_json":null},{"b64_json":7}],"b":["aGVsbG8="]}';
    await expectDecoded(decode(text), {
      b64_json: Buffer.alloc(0),
      url: 'aGVsbG8=',
      list: [{ b64_json: null }, { b64_json: 7 }],
      b: ['aGVsbG8='],
    });
  });

  it('uses the binary keys it is given instead of b64_json', async () => {
    const text = '{"image":"aGVsbG8=","b64_json":"aGk="}';
    await expectDecoded(decode(text, [], { binaryKeys: ['image'] }), {
      image: Buffer.from('hello'),
      b64_json: 'aGk=',
    });
  });

  it('decodes several images into one buffer sized from the content-length', async () => {
    const images = [randomBytes(100_000), randomBytes(1), randomBytes(250_000)];
    const text = JSON.stringify({ data: images.map((image) => ({ b64_json: image.toString('base64') })) });
    const length = Buffer.byteLength(text);
    const value = await decode(text, randomCuts(length, seededRandom(17), 65_536), { contentLength: length });
    expect(withHexBuffers(value)).toStrictEqual(
      withHexBuffers({ data: images.map((image) => ({ b64_json: image })) }),
    );
    const buffers = images.map((_, index) => getPath(value, ['data', index, 'b64_json']));
    const backing = new Set(buffers.map((buffer) => (buffer instanceof Buffer ? buffer.buffer : undefined)));
    expect(backing.size).toBe(1);
    const [arena] = backing;
    expect(arena?.byteLength).toBeLessThanOrEqual(Math.floor((length * 3) / 4) + 3);
  });

  it('still decodes correctly when the content-length understates the body', async () => {
    const image = randomBytes(500_000);
    const text = JSON.stringify({ b64_json: image.toString('base64') });
    const cuts = randomCuts(text.length, seededRandom(19), 65_536);
    await expectDecoded(decode(text, cuts, { contentLength: 100 }), { b64_json: image });
  });

  it('accepts both answer shapes of the gateway', async () => {
    const image = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(5000)]);
    const wrapped = `{"code":200,"msg":"操作成功","data":{"data":[{"url":"","b64_json":"${image.toString('base64')}","revised_prompt":""}],"created":1757320007}}`;
    await expectDecoded(decode(wrapped, randomCuts(wrapped.length, seededRandom(23), 700)), {
      code: 200,
      msg: '操作成功',
      data: { data: [{ url: '', b64_json: image, revised_prompt: '' }], created: 1757320007 },
    });
    const plain =
      '{"created":1709459123,"data":[{"url":"https://example.com/generated-image.png","revised_prompt":"一隻可愛的橙色小貓坐在花園裡"}]}';
    expect(await decode(plain, everyByte(Buffer.byteLength(plain)))).toStrictEqual(JSON.parse(plain));
  });
  it('with releaseChunks, frees each chunk once parsed and still returns every value whole: text across chunks, split characters, an image', async () => {
    const image = randomBytes(200_000);
    const prompt = `${'déjà vu 🦊 '.repeat(9000)}end`;
    const bytes = Buffer.from(
      JSON.stringify({ data: [{ revised_prompt: prompt, b64_json: image.toString('base64') }] }),
    );
    // Copies, each the whole of its own ArrayBuffer as a socket read is; cuts of 16 KiB + 7 split characters.
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += 16_391)
      chunks.push(Buffer.from(bytes.subarray(offset, offset + 16_391)));
    const stream = new Readable({ read() {} });
    const decoded = decodeJsonStream(stream, { contentLength: bytes.length, releaseChunks: true });
    for (const chunk of chunks) {
      stream.push(chunk);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    stream.push(null);
    const value = (await decoded) as { data: { b64_json: Buffer; revised_prompt: string }[] };
    expect(value.data[0]?.revised_prompt).toBe(prompt);
    expect(value.data[0]?.b64_json.equals(image)).toBe(true);
    const released = chunks.filter((chunk) => chunk.byteLength === 0);
    expect(released.length).toBe(chunks.length - 1); // the last one is under the 16 KiB worth releasing
  });

  it('without releaseChunks, leaves the chunks as they were', async () => {
    const bytes = Buffer.from(
      JSON.stringify({ data: [{ b64_json: randomBytes(60_000).toString('base64') }] }),
    );
    const chunks = [bytes.subarray(0, 40_000), bytes.subarray(40_000)].map((part) => Buffer.from(part));
    await decodeJsonStream(Readable.from(chunks));
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });
});

describe('decodeJsonStream on broken answers', () => {
  const brokenJson = [
    '',
    '   ',
    '{',
    '{"a":1',
    '{"a":1}x',
    '{"a":1}{}',
    '[1,]',
    '[,1]',
    '{"a" 1}',
    '{"a":1,}',
    '{a:1}',
    "['a']",
    '[1 2]',
    '{"a":1]',
    '[1}',
    ']',
    '[01]',
    '[1.]',
    '[.5]',
    '[-]',
    '[+1]',
    '[1e]',
    '[1e+]',
    '[0x10]',
    'NaN',
    '-Infinity',
    'tru',
    'nul',
    'truex',
    'True',
    '"abc',
    '"\\x"',
    '"\\u12g4"',
    '"\\u12"',
    '"a\u0001b"',
    '"a\nb"',
    '{"a":"b"',
  ];

  it('throws malformed_response wherever JSON.parse throws, whole and in 1-byte chunks', async () => {
    for (const text of brokenJson) {
      expect(() => JSON.parse(text), text).toThrow();
      await expectMalformed(decode(text));
      await expectMalformed(decode(text, everyByte(Buffer.byteLength(text))));
    }
  });

  it('throws malformed_response for b64_json that is not base64', async () => {
    const brokenBase64 = [
      'abc!',
      'A',
      'AAAAA',
      'AB==CDEF',
      'AB=',
      'A===',
      'AAAA AAAA',
      '\\u00e9AAA',
      'aGVs\\"bG8=',
      'é',
    ];
    for (const encoded of brokenBase64) {
      const text = `{"b64_json":"${encoded}"}`;
      await expectMalformed(decode(text));
      await expectMalformed(decode(text, everyByte(Buffer.byteLength(text))));
    }
    const longBroken = `{"b64_json":"${randomBytes(300_000).toString('base64')}!AAA"}`;
    await expectMalformed(decode(longBroken, randomCuts(longBroken.length, seededRandom(29), 65_536)));
  });

  it('reads a stream (the undici body) as it flows: the same value, a binary value decoded across chunks', async () => {
    const image = randomBytes(100_000);
    const text = `{"data":[{"b64_json":"${image.toString('base64')}","n":1}]}`;
    const bytes = Buffer.from(text);
    const chunks = randomCuts(bytes.length, seededRandom(7), 4096).map((cut, index, cuts) =>
      bytes.subarray(cuts[index - 1] ?? 0, cut),
    );
    const last = bytes.subarray(chunks.reduce((total, chunk) => total + chunk.length, 0));
    const stream = new Readable({ read() {} });
    const decoded = decodeJsonStream(stream, { contentLength: bytes.length });
    // Pushed after the decoder listens, in separate turns, as a socket delivers them.
    for (const chunk of [...chunks, last]) {
      stream.push(chunk);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    stream.push(null);
    const value = (await decoded) as { data: { b64_json: Buffer; n: number }[] };
    expect(value.data[0]?.b64_json.equals(image)).toBe(true);
    expect(value.data[0]?.n).toBe(1);
  });

  it('rejects with the error of a stream that fails mid-answer, and when a stream closes before its end', async () => {
    const failing = new Readable({ read() {} });
    const failed = decodeJsonStream(failing).catch((rejection: unknown) => rejection);
    failing.push(Buffer.from('{"data":[{"b64_json":"AAAA'));
    failing.destroy(new Error('other side closed'));
    expect(await failed).toStrictEqual(new Error('other side closed'));

    const cut = new Readable({ read() {} });
    const closed = decodeJsonStream(cut).catch((rejection: unknown) => rejection);
    cut.push(Buffer.from('{"data":['));
    cut.destroy();
    expect(await closed).toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('refuses a stream longer than maxBytes and destroys it', async () => {
    const stream = new Readable({ read() {} });
    const refused = decodeJsonStream(stream, { maxBytes: 100 }).catch((rejection: unknown) => rejection);
    for (let index = 0; index < 10; index += 1) stream.push(Buffer.from('[1,2,3,4,5,6,7,8,9,'));
    const error = await refused;
    expect(isImagineError(error) && error.message).toBe(
      'The image API sent an answer too large to handle (over 100 bytes).',
    );
    expect(stream.destroyed).toBe(true);
  });

  it('refuses a body longer than maxBytes and closes it', async () => {
    let closed = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (let index = 0; index < 100; index += 1)
          yield Buffer.from('[1,2,3,4,5,6,7,8,9,'.repeat(1 + (index % 2)));
      } finally {
        closed = true;
      }
    }
    const error: unknown = await decodeJsonStream(body(), { maxBytes: 100 }).catch(
      (rejection: unknown) => rejection,
    );
    expect(isImagineError(error) && error.code).toBe('malformed_response');
    expect(isImagineError(error) && error.message).toBe(
      'The image API sent an answer too large to handle (over 100 bytes).',
    );
    expect(closed).toBe(true);
  });

  it('refuses an announced content-length over maxBytes, and accepts a body of exactly maxBytes', async () => {
    const error: unknown = await decode('{}', [], {
      contentLength: 64 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
    }).catch((rejection: unknown) => rejection);
    expect(isImagineError(error) && error.message).toBe(
      'The image API sent an answer too large to handle (over 32 MB).',
    );
    expect(await decode('[1,2]', [2], { maxBytes: 5 })).toStrictEqual([1, 2]);
  });
});

function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, step);
  }
  return current;
}
