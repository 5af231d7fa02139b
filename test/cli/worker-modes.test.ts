import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli.js';

function memoryIo(env: NodeJS.ProcessEnv): CliIo & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: () => {},
    stderr: (text) => err.push(text),
    log: () => {},
    env,
    now: () => new Date(0),
    onInterrupt: () => () => {},
  };
}

const base = {
  IMAGE_API_KEY: 'sk-worker-modes',
  STORE_URL: 'memory://',
  IMAGE_STORE_URL: 'memory://',
  LOG_LEVEL: 'silent',
  // Test files run side by side: the operator endpoints take any free port.
  METRICS_PORT: '0',
  SLACK_BOT_TOKEN: 'xoxb-worker-modes',
  SLACK_SIGNING_SECRET: 'worker-modes-secret',
};

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = memoryIo({ ...base, ...env });
  const code = await runCli(argv, io);
  return { code, stderr: io.err.join('') };
}

describe('worker and front-end-only modes', () => {
  it('refuses `worker` without a shared redis:// queue, naming STORE_URL', async () => {
    expect(await run(['worker'])).toStrictEqual({
      code: 2,
      stderr:
        'error: imagine-bot worker needs a redis:// STORE_URL shared with the other instances (jobs go through its queue).\n',
    });
  });

  it('refuses `start --no-worker` without a shared redis:// queue, before anything starts', async () => {
    expect(await run(['start', '--no-worker'])).toStrictEqual({
      code: 2,
      stderr:
        'error: imagine-bot start --no-worker needs a redis:// STORE_URL shared with the other instances (jobs go through its queue).\n',
    });
  });

  it('names the one flag start takes', async () => {
    expect(await run(['start', '--workers'])).toStrictEqual({
      code: 2,
      stderr: 'error: imagine-bot start takes only --no-worker (got --workers).\n',
    });
  });

  it('refuses a worker with no platform to post through', async () => {
    const { code, stderr } = await run(['worker'], {
      STORE_URL: 'redis://127.0.0.1:6379',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^error: imagine-bot worker posts results through Discord or Slack: set DISCORD_TOKEN/,
    );
  });
});
