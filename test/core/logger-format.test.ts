import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger } from '../../src/core/logger.js';

const at = () => new Date('2026-11-26T12:03:04.567Z');

describe('LOG_FORMAT', () => {
  it('writes a readable line with pretty: time, level, message, then the fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'pretty', now: at, sink: (line) => lines.push(line) });
    logger.child({ frontEnd: 'slack' }).info('job done', { jobId: 'j1', model: 'nano banana', ms: 1200 });
    expect(lines).toStrictEqual([
      '12:03:04.567 INFO  job done  frontEnd=slack jobId=j1 model="nano banana" ms=1200',
    ]);
  });

  it('redacts secrets and sensitive keys in pretty lines as in JSON ones', () => {
    const lines: string[] = [];
    const secret = 'xoxb-SENTINEL-pretty-1234';
    const logger = createLogger({
      format: 'pretty',
      now: at,
      secrets: [secret],
      sink: (line) => lines.push(line),
    });
    logger.warn(`failed with ${secret}`, { botToken: 'anything', url: `https://x/?t=${secret}` });
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toBe(
      '12:03:04.567 WARN  failed with [redacted]  botToken=[redacted] url=https://x/?t=[redacted]',
    );
  });

  it('defaults to pretty at a terminal and JSON elsewhere; LOG_FORMAT wins', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });
});
