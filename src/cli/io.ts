/** What the CLI touches of the outside world, injected so tests can run it in-process or as a real process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Structured log lines (JSON, or pretty at a terminal), stderr by default. */
  log(line: string): void;
  /** The log lines go to a terminal a person reads (then LOG_FORMAT defaults to pretty). */
  logIsTerminal?: boolean;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** Calls `handler` on Ctrl-C; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  log: (line) => process.stderr.write(`${line}\n`),
  logIsTerminal: process.stderr.isTTY === true,
  env: process.env,
  now: () => new Date(),
  onInterrupt(handler) {
    process.once('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
};
