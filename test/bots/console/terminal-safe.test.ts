import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeJson } from '../../../src/bots/console/terminal-safe.js';

describe('terminalSafe', () => {
  it.each([
    ['an OSC window title ended by BEL', 'a \u001b]0;pwned\u0007fox', 'a fox'],
    ['an OSC hyperlink ended by ESC \\', '\u001b]8;;https://x.test\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['an OSC clipboard write in its 8-bit form', 'a\u009d52;c;cHduZWQ=\u009cb', 'ab'],
    ['a DCS string', 'a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
    ['a screen clear', 'a\u001b[2Jb', 'ab'],
    ['colours with parameters', '\u001b[38;5;196mred\u001b[0m', 'red'],
    ['a private-mode CSI', 'a\u001b[?1049hb', 'ab'],
    ['an 8-bit CSI', 'a\u009b31mb', 'ab'],
    ['a charset switch', 'a\u001b(0b', 'ab'],
    ['a lone ESC at the end', 'ab\u001b', 'ab'],
    ['C0 controls, carriage return included', 'a\u0000\u0007\u0008\r\u000b\u000cb', 'ab'],
    ['DEL and C1 controls', 'a\u007f\u0085\u008d\u009fb', 'ab'],
  ])('strips %s', (_name, text, expected) => {
    expect(terminalSafe(text)).toBe(expected);
  });

  it('drops only the control bytes of a string sequence that is never ended', () => {
    expect(terminalSafe('a \u001b]0;title and the rest')).toBe('a 0;title and the rest');
  });

  it('keeps newlines, tabs and every printable character', () => {
    const text = 'line one\n\tline two: 寫著福字 “quotes” é 🎨 [brackets] ~\\';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('terminalSafeJson', () => {
  it('escapes DEL and C1 as JSON.stringify does C0, so the JSON stays valid and the value exact', () => {
    const value = { text: 'a\u001b[2J\u007f\u009b31m\u0085b' };
    const json = terminalSafeJson(value);
    expect(json).toBe('{"text":"a\\u001b[2J\\u007f\\u009b31m\\u0085b"}');
    expect(JSON.parse(json)).toStrictEqual(value);
  });
});
