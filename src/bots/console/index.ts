import type { Brain } from '../../commands/brain.js';
import { createChatSession } from './chat-session.js';
import { consoleContext, threadKeys } from './console-context.js';
import { runRepl } from './repl.js';
import { terminalSafe } from './terminal-safe.js';

export { type ChatSession, createChatSession } from './chat-session.js';
export { consoleContext, osUserName } from './console-context.js';
export { terminalSafe, terminalSafeJson } from './terminal-safe.js';

export interface ConsoleChatOptions {
  brain: Brain;
  /** Where result images are written. */
  outDir: string;
  userName: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  stdinIsTty: boolean;
  stdoutIsTty: boolean;
  write(text: string): void;
  onInterrupt(handler: () => void): () => void;
}

/** The terminal front end: a chat on stdin/stdout until `/quit`, Ctrl-D or a second Ctrl-C. */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const context = consoleContext(options.userName);
  const session = createChatSession({
    brain: options.brain,
    context,
    outDir: options.outDir,
    write: options.write,
    stdoutIsTty: options.stdoutIsTty,
    newThreadKey: threadKeys(),
  });
  options.write(
    terminalSafe(`Chatting as ${context.user.id}; images go to ${options.outDir}. `) +
      'Type a prompt, then what to change; /help lists the commands, /quit exits.\n',
  );
  await runRepl({
    input: options.input,
    output: options.output,
    interactive: options.stdinIsTty && options.stdoutIsTty,
    session,
    write: options.write,
    onInterrupt: options.onInterrupt,
  });
}
