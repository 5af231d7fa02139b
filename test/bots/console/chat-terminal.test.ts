import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConsoleChat } from '../../../src/bots/console/index.js';
import { type Harness, startHarness } from '../../support/bot-harness.js';

/**
 * The chat on a terminal (readline in terminal mode, keys echoed), in-process: what the screen receives, in order,
 * from readline's echo and from the chat alike.
 */
interface Terminal {
  screen(): string;
  type(text: string): void;
  waitFor(check: string | ((screen: string) => boolean)): Promise<string>;
  done: Promise<void>;
}

async function openTerminal(harness: Harness): Promise<Terminal> {
  const input = new PassThrough();
  let screen = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      screen += chunk.toString();
      callback();
    },
  });
  const outDir = await mkdtemp(path.join(tmpdir(), 'imagine-chat-tty-'));
  const done = runConsoleChat({
    brain: harness.app.brain,
    outDir,
    userName: 'alice',
    input,
    output,
    stdinIsTty: true,
    stdoutIsTty: true,
    write: (text) => {
      screen += text;
    },
    onInterrupt: () => () => undefined,
  });
  return {
    screen: () => screen,
    type: (text) => void input.write(text),
    async waitFor(check) {
      const met = typeof check === 'string' ? (text: string) => text.includes(check) : check;
      for (let waited = 0; !met(screen); waited += 10) {
        if (waited > 10_000) throw new Error(`timed out waiting for ${String(check)}; screen:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return screen;
    },
    done,
  };
}

describe('the chat on a terminal', () => {
  let harness: Harness;
  let terminal: Terminal;
  beforeEach(async () => {
    harness = await startHarness({ env: { USER_RATE_LIMIT_PER_MINUTE: '0' } });
    terminal = await openTerminal(harness);
    await terminal.waitFor('/help lists the commands');
  });
  afterEach(async () => {
    terminal.type('/quit\r');
    await terminal.done;
    await harness.close();
  });

  it('keeps text typed during a request off the progress line, and acknowledges it as queued', async () => {
    harness.fake.fault({ kind: 'hang' });
    terminal.type('a slow fox\r');
    await terminal.waitFor(() => harness.bodies().length === 1);
    await terminal.waitFor('🎨 Working…');
    terminal.type('a hat');
    terminal.type('\r');
    const screen = await terminal.waitFor('⏳ Queued');
    expect(screen).toContain(
      '🎨 Working…\na hat\r\n⏳ Queued: it runs when the current request is done (/cancel stops that one).\n',
    );
    expect(screen).not.toMatch(/Working…[^\n]*a hat/u);
    // The progress line comes back under the acknowledgement.
    expect(screen.endsWith('\r\u001b[2K🎨 Working…')).toBe(true);

    terminal.type('/cancel\r');
    await terminal.waitFor((text) => /^ {2}saved /mu.test(text));
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['a slow fox', 'a hat']);
  });

  it('cuts a long footnote with a pointer to /warnings, which lists every warning of the latest result', async () => {
    terminal.type('/warnings\r');
    await terminal.waitFor('There is no result yet: type a prompt first.\n');
    terminal.type('a fox --model gpt-image --seed 1 --guidance 5 --temperature 1 --top-p 0.5 --watermark\r');
    const screen = await terminal.waitFor('/warnings shows them all');
    expect(screen).toMatch(/\n {2}⚠ .+\n {2}⚠ .+\n {2}⚠ .+\n {2}\+2 more: \/warnings shows them all\n/u);
    expect(harness.bodies()).toStrictEqual([
      { model: 'gpt-image-1', prompt: 'a fox', size: '1024x1024', n: 1 },
    ]);

    terminal.type('/warnings\r');
    const listed = (await terminal.waitFor('Warnings of the latest result:\n')).split(
      'Warnings of the latest result:\n',
    )[1];
    const lines = listed?.split('\n').filter((line) => line.startsWith('  ⚠ ')) ?? [];
    expect(lines).toHaveLength(5);
    for (const option of ['seed', 'guidance', 'temperature', 'top-p', 'watermark']) {
      expect(lines.some((line) => line.includes(option))).toBe(true);
    }
  });

  it('suggests the closest command for a mistyped one', async () => {
    terminal.type('/modles\r');
    await terminal.waitFor('Unknown command /modles. Did you mean /models? /help lists the commands.\n');
    expect(harness.bodies()).toStrictEqual([]);
  });
});
