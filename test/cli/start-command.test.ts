import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { discordFrontEnd, slackFrontEnd } from '../../src/cli/front-ends.js';
import type { CliIo } from '../../src/cli/io.js';
import { runStart } from '../../src/cli/start-command.js';
import type { Terminal } from '../../src/cli/terminal.js';
import { spawnCli } from '../bots/console/cli-process.js';

function memoryIo(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    log: () => {},
    env,
    now: () => new Date(0),
    onInterrupt: () => () => {},
  };
}

const pipes: Terminal = {
  input: new PassThrough(),
  output: new PassThrough(),
  stdinIsTty: false,
  stdoutIsTty: false,
};

describe('imagine-bot start', () => {
  it('with no credentials and no terminal, names the variables to set and exits 2', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'imagine-start-'));
    const start = spawnCli(['start'], { env: {}, cwd });
    start.child.stdin.end();
    expect(await start.exited).toBe(2);
    const text = start.stderr();
    for (const variable of [
      'DISCORD_TOKEN',
      'DISCORD_APPLICATION_ID',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'IMAGE_API_KEY',
      'IMAGE_API_BASE_URL',
    ]) {
      expect(text).toContain(variable);
    }
    expect(text).toContain('npm run demo');
    expect(start.stdout()).toBe('');
  });

  it('counts Slack as configured with a bot token and either a signing secret or an app token', () => {
    expect(slackFrontEnd.isConfigured({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' })).toBe(
      true,
    );
    expect(slackFrontEnd.isConfigured({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toBe(true);
    expect(slackFrontEnd.isConfigured({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(false);
    expect(discordFrontEnd.isConfigured({ DISCORD_TOKEN: 't' })).toBe(false);
  });

  it('starts nothing with a bot token alone, and names the variables', async () => {
    const botTokenOnly = memoryIo({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(await runStart([], botTokenOnly, pipes)).toBe(2);
    expect(botTokenOnly.err.join('')).toContain('No front end is configured.');
  });
});
