import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('bin/imagine-bot.js');
const waitLimitMs = 15_000;

/** The real CLI as a child process, talked to through its stdin and stdout (pipes: not a TTY). */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Writes one line to stdin. */
  line(text: string): void;
  /** Waits until the stdout collected so far satisfies `check` (a string it contains, or a predicate). */
  waitFor(check: string | ((stdout: string) => boolean), timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function spawnCli(
  args: string[],
  options: {
    env: Record<string, string>;
    cwd: string /** Another tree's bin/imagine-bot.js. */;
    bin?: string;
  },
): CliProcess {
  const child = spawn(process.execPath, [options.bin ?? bin, ...args], {
    cwd: options.cwd,
    // Only what is given: no credentials of the machine running the tests leak in. Test files run side by
    // side, so the operator endpoints (`start`, `worker`) take any free port unless a test names one.
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      for (const waiter of waiters) waiter();
      resolve(code);
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    line(text) {
      child.stdin.write(`${text}\n`);
    },
    waitFor(check, timeoutMs = waitLimitMs) {
      const done = typeof check === 'string' ? (text: string) => text.includes(check) : check;
      return new Promise((resolve, reject) => {
        const waiter = () => {
          if (done(stdout)) {
            finish();
            resolve(stdout);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`the CLI exited first.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(`timed out waiting for ${String(check)}.\nstdout:\n${stdout}\nstderr:\n${stderr}`),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        waiter();
      });
    },
    exited,
  };
}

/** Every `saved <path>` line of the chat, in order. */
export function savedPaths(stdout: string): string[] {
  return [...stdout.matchAll(/^ {2}saved (.+)$/gm)].map((match) => match[1] ?? '');
}

export const count = (text: string, part: string) => text.split(part).length - 1;
