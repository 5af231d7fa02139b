/** The terminal a chat runs on: stdin/stdout and whether each is a TTY. Separate from CliIo, which writes text. */
export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  stdinIsTty: boolean;
  stdoutIsTty: boolean;
}

/** The process's own terminal; a function so that nothing touches stdin at import time. */
export function processTerminal(): Terminal {
  return {
    input: process.stdin,
    output: process.stdout,
    stdinIsTty: process.stdin.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
  };
}
