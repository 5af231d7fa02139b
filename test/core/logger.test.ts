import { describe, expect, it } from 'vitest';
import { ImagineError } from '../../src/core/errors.js';
import { createLogger, type LoggerOptions } from '../../src/core/logger.js';

const sentinel = 'sk-SENTINEL-4f9a2c81d7';
const time = new Date('2025-01-02T03:04:05.678Z');

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    secrets: [sentinel],
    now: () => time,
    sink: (line) => lines.push(line),
    ...options,
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line: time, level, msg, then the fields', () => {
    const { logger, lines } = capture();
    logger.info('job done', { jobId: 'j1', images: 2 });
    expect(lines).toEqual([
      '{"time":"2025-01-02T03:04:05.678Z","level":"info","msg":"job done","jobId":"j1","images":2}',
    ]);
  });

  it('drops lines below the level, and everything when silent', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['c', 'd']);
    const silent = capture({ level: 'silent' });
    silent.logger.error('e');
    expect(silent.lines).toEqual([]);
  });

  it('redacts a registered secret wherever it appears in the line', () => {
    const { logger, lines } = capture();
    logger.warn(`calling with ${sentinel}`, {
      url: `https://api.example.test/v1?key=${sentinel}`,
      nested: { deeper: [`Bearer ${sentinel}`] },
      error: new Error(`upstream said: bad key ${sentinel}`),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(sentinel);
    expect(lines[0]).not.toContain('SENTINEL');
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2025-01-02T03:04:05.678Z',
      level: 'warn',
      msg: 'calling with [redacted]',
      url: 'https://api.example.test/v1?key=[redacted]',
      nested: { deeper: ['Bearer [redacted]'] },
      error: { name: 'Error', message: 'upstream said: bad key [redacted]' },
    });
  });

  it('redacts a secret that JSON has to escape', () => {
    const quoted = 'pa"ss\\word-123';
    const { logger, lines } = capture({ secrets: [quoted] });
    logger.info('x', { value: `before ${quoted} after` });
    expect(JSON.parse(lines[0] ?? '').value).toBe('before [redacted] after');
  });

  it('redacts fields named like credentials whatever their value, and keeps token counts', () => {
    const { logger, lines } = capture();
    logger.info('request', {
      headers: { Authorization: 'Bearer unregistered-value', 'x-api-key': 'k' },
      apiKey: 'short',
      slackBotToken: 'xoxb-not-registered',
      client_secret: 42,
      password: { nested: true },
      outputTokens: 1290,
    });
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' },
      apiKey: '[redacted]',
      slackBotToken: '[redacted]',
      client_secret: '[redacted]',
      password: '[redacted]',
      outputTokens: 1290,
    });
  });

  it('ignores registered secrets shorter than 6 characters', () => {
    const { logger, lines } = capture({ secrets: ['abc', sentinel] });
    logger.info('abcdef');
    expect(JSON.parse(lines[0] ?? '').msg).toBe('abcdef');
  });

  it('serializes errors as name, message and code, with a stack only at debug level', () => {
    const error = new ImagineError('rate_limit', 'Too many requests.', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    const info = capture();
    info.logger.error('failed', { error });
    expect(JSON.parse(info.lines[0] ?? '').error).toEqual({
      name: 'ImagineError',
      message: 'Too many requests.',
      code: 'rate_limit',
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
    expect(info.lines[0]).not.toContain('at ');
    const debug = capture({ level: 'debug' });
    debug.logger.error('failed', { error });
    expect(JSON.parse(debug.lines[0] ?? '').error.stack).toContain('ImagineError: Too many requests.');
  });

  it('adds child fields to every line and keeps the reserved keys intact', () => {
    const { logger, lines } = capture();
    const child = logger.child({ platform: 'discord', guild: 'g1' }).child({ jobId: 'j9' });
    child.info('started', { msg: 'overridden?', level: 'x' });
    expect(lines).toEqual([
      '{"time":"2025-01-02T03:04:05.678Z","level":"info","msg":"started","platform":"discord","guild":"g1",' +
        '"jobId":"j9","_msg":"overridden?","_level":"x"}',
    ]);
  });

  it('summarizes bytes, and survives cycles and bigints', () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const shared = { id: 1 };
    logger.info('x', { image: new Uint8Array(2048), cyclic, pair: [shared, shared], big: 12n });
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      image: '[2048 bytes]',
      cyclic: { name: 'loop', self: '[circular]' },
      pair: [{ id: 1 }, { id: 1 }],
      big: '12',
    });
  });
});
