import { spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('bin/imagine-bot.js');

/**
 * Runs `node <nodeArgs> bin/imagine-bot.js <args>` in a fresh process, in `cwd`, with PATH and `env` only; resolves
 * with its exit code and what it wrote to stderr.
 */
export function runCliProcess(options: {
  nodeArgs: readonly string[];
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...options.nodeArgs, bin, ...options.args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, stderr: errors }));
  });
}
