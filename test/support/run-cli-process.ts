import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const bin = path.resolve('bin/imagine-bot.js');

/**
 * Runs `node <nodeArgs> --import <probe> bin/imagine-bot.js <args>` in a fresh process, in a new temporary folder
 * (removed after, whatever happened), with PATH and `env` only. The probe writes what it saw to the file named in
 * the `reportVariable` environment variable; resolves with the exit code, what the CLI wrote to stderr, and that
 * report.
 */
export async function runCliWithProbe(options: {
  nodeArgs?: readonly string[];
  probe: string;
  reportVariable: string;
  args: readonly string[];
  env: Record<string, string>;
}): Promise<{ code: number | null; stderr: string; report: string }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'imagine-cli-probe-'));
  try {
    const reportFile = path.join(directory, 'report.txt');
    const { code, stderr } = await runIn(directory, reportFile, options);
    return { code, stderr, report: await readFile(reportFile, 'utf8') };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function runIn(
  directory: string,
  reportFile: string,
  options: Parameters<typeof runCliWithProbe>[0],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const nodeArgs = [...(options.nodeArgs ?? []), '--import', options.probe];
    const child = spawn(process.execPath, [...nodeArgs, bin, ...options.args], {
      cwd: directory,
      env: { PATH: process.env.PATH ?? '', [options.reportVariable]: reportFile, ...options.env },
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
