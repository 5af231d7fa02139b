import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { logUnhandledRejections } from '../../src/cli/unhandled-rejections.js';
import { createLogger } from '../../src/core/logger.js';

describe('unhandled rejections in the bot process', () => {
  it('logs each one as an error line with a running count and where it came from, until stopped', () => {
    const lines: string[] = [];
    const logger = createLogger({
      sink: (line) => lines.push(line),
      secrets: ['xoxb-SENTINEL-unhandled-77'],
    });
    const processLike = new EventEmitter();
    const stop = logUnhandledRejections(logger, processLike);

    processLike.emit('unhandledRejection', new Error('Slack said no to xoxb-SENTINEL-unhandled-77'));
    processLike.emit('unhandledRejection', 'a bare string');
    stop();
    processLike.emit('unhandledRejection', new Error('after stop'));

    const logged = lines.map((line) => JSON.parse(line));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 'error',
      msg: 'unhandled rejection',
      count: 1,
      error: { name: 'Error', message: 'Slack said no to [redacted]' },
    });
    expect(logged[0].at[0]).toMatch(/^at .*unhandled-rejections\.test\.ts/);
    expect(logged[1]).toMatchObject({ msg: 'unhandled rejection', count: 2, error: 'a bare string' });
    expect(processLike.listenerCount('unhandledRejection')).toBe(0);
  });
});
