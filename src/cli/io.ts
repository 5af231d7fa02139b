/** What the CLI touches of the outside world, injected so tests can run it in-process or as a real process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Structured log lines (JSON), stderr by default. */
  log(line: string): void;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** Calls `handler` on Ctrl-C; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  log: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  now: () => new Date(),
  onInterrupt(handler) {
    process.once('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
};
