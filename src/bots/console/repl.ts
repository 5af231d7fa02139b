import { createInterface } from 'node:readline';
import type { ChatSession } from './chat-session.js';

export interface ReplOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** stdin and stdout are a terminal: line editing, a prompt, and Ctrl-C arrives through readline. */
  interactive: boolean;
  session: ChatSession;
  write(text: string): void;
  /** Ctrl-C as a signal (stdin is not a terminal in raw mode); returns a function that removes the handler. */
  onInterrupt(handler: () => void): () => void;
}

/**
 * Reads lines and hands them to the session one at a time, each awaited. Input keeps being read meanwhile, so
 * `/cancel` and Ctrl-C act at once instead of waiting their turn. Resolves on `/quit`, end of input (Ctrl-D;
 * lines already typed are handled first) or a second Ctrl-C in a row.
 */
export async function runRepl(options: ReplOptions): Promise<void> {
  const { session, interactive } = options;
  const lines = createInterface({
    input: options.input,
    ...(interactive && { output: options.output }),
    terminal: interactive,
    prompt: '> ',
  });
  const queued: string[] = [];
  let inputEnded = false;
  let quitting = false;
  let interrupts = 0;
  let wake: (() => void) | undefined;
  let quitNow: () => void = () => {};
  const quitRequested = new Promise<'quit'>((resolve) => {
    quitNow = () => resolve('quit');
  });
  const wakeUp = () => {
    wake?.();
    wake = undefined;
  };

  const interrupt = () => {
    interrupts += 1;
    if (interrupts >= 2) {
      quitting = true;
      session.mute();
      quitNow();
      wakeUp();
    } else if (session.busy) {
      void session.cancel();
    } else {
      options.write('\n(To exit, press Ctrl-C again, Ctrl-D or type /quit.)\n');
      if (interactive) lines.prompt();
    }
  };
  // On a terminal readline owns Ctrl-C; from a pipe it is a signal to the process. Handlers are one-shot.
  let stopSignal = () => {};
  const listenForSignal = () => {
    stopSignal = options.onInterrupt(() => {
      listenForSignal();
      interrupt();
    });
  };
  listenForSignal();
  lines.on('SIGINT', interrupt);
  // Ahead of readline's own listener, so the progress line steps aside before a typed character is echoed.
  const onKeypress = (typed: unknown) => {
    const code = typeof typed === 'string' ? (typed.codePointAt(0) ?? 0) : 0;
    if (code >= 0x20 && code !== 0x7f) session.typing();
  };
  if (interactive) options.input.prependListener('keypress', onKeypress);
  lines.on('line', (line) => {
    interrupts = 0;
    const cancelling = /^\s*\/cancel\s*$/i.test(line);
    // Sent while a request runs, it waits its turn, and the user is told so (`/cancel` acts at once).
    session.lineEntered(session.busy && !cancelling && line.trim() !== '');
    if (cancelling) {
      void session.cancel().then(() => {
        // Idle, the prompt this line used up is due again; busy, it comes back when the job ends.
        if (interactive && !session.busy && !inputEnded) lines.prompt();
      });
      return;
    }
    queued.push(line);
    wakeUp();
  });
  lines.on('close', () => {
    inputEnded = true;
    wakeUp();
  });

  const nextLine = async (): Promise<string | undefined> => {
    while (queued.length === 0 && !inputEnded && !quitting) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return quitting ? undefined : queued.shift();
  };

  try {
    for (;;) {
      if (interactive && !inputEnded) lines.prompt();
      const line = await nextLine();
      if (line === undefined) break;
      // A second Ctrl-C does not wait for the job: closing the app cancels it.
      const outcome = await Promise.race([session.handle(line), quitRequested]);
      if (outcome === 'quit' || quitting) break;
    }
  } finally {
    stopSignal();
    options.input.removeListener('keypress', onKeypress);
    lines.close();
  }
}
