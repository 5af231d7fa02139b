import { describe, expect, it } from 'vitest';
import { createProgressLine } from '../../../src/bots/console/progress-line.js';

const erase = '\r\u001b[2K';

describe('the chat progress line', () => {
  it('rewrites one line on a terminal and erases it before a reply', () => {
    const written: string[] = [];
    const line = createProgressLine({ write: (text) => written.push(text), isTty: true });
    line.update({ jobId: 'a', type: 'queued', position: 2 });
    line.update({ jobId: 'a', type: 'running', elapsedMs: 0 });
    line.update({ jobId: 'a', type: 'running', elapsedMs: 12_400 });
    line.update({ jobId: 'a', type: 'done' });
    line.clear();
    expect(written).toStrictEqual([
      `${erase}⏳ Queued — #2 in line`,
      `${erase}🎨 Working…`,
      `${erase}🎨 Working… 12 s`,
      `${erase}✅ Done`,
      erase,
    ]);
  });

  it('prints plain lines when the text changes elsewhere, and leaves failures to the reply', () => {
    const written: string[] = [];
    const line = createProgressLine({ write: (text) => written.push(text), isTty: false });
    line.update({ jobId: 'a', type: 'running', elapsedMs: 0 });
    line.update({ jobId: 'a', type: 'running', elapsedMs: 400 });
    line.update({ jobId: 'b', type: 'queued', position: 1 });
    line.update({ jobId: 'b', type: 'failed', code: 'timeout', message: 'slow' });
    line.clear();
    expect(written).toStrictEqual([
      '🎨 Working…\n',
      '🎨 Working…  ·  ⏳ Queued — #1 in line\n',
      '🎨 Working…\n',
    ]);
  });

  it('leaves the line to what the user types: ends the progress line there, and draws again once it is entered', () => {
    const written: string[] = [];
    const line = createProgressLine({ write: (text) => written.push(text), isTty: true });
    line.update({ jobId: 'a', type: 'running', elapsedMs: 0 });
    line.yieldToTyping();
    line.update({ jobId: 'a', type: 'running', elapsedMs: 3000 });
    line.clear();
    line.resume();
    line.update({ jobId: 'a', type: 'running', elapsedMs: 5000 });
    expect(written).toStrictEqual([
      `${erase}🎨 Working…`,
      '\n',
      `${erase}🎨 Working… 3 s`,
      `${erase}🎨 Working… 5 s`,
    ]);
  });
});
