import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { freePort, slackStartEnv } from '../cli/start-support.js';
import {
  type FakeSlack,
  signedPost,
  slashCommandBody,
  startFakeSlack,
  waitFor,
} from '../fakes/slack/index.js';

const run = promisify(execFile);
const imageKey = 'sk-SENTINEL-production-tree-5e1c';
const buildTimeoutMs = 10 * 60 * 1000;

/** Runs a command in `cwd`; its output is kept for the failure message only. */
async function step(
  cwd: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<void> {
  await run(command, args, {
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: buildTimeoutMs,
  });
}

/** Polls /readyz until it answers 200. */
async function readyWithin(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetch(url).catch(() => undefined);
    if (answer?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} never answered 200 (last: ${answer?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * better-sqlite3's install script looks for a prebuilt binary (downloaded from GitHub, unreachable here) and else
 * compiles SQLite from source, two minutes of a 2-core machine. The clone's `npm ci` gets the binary this checkout's
 * own install built (or downloaded) instead, packed as prebuild-install's local prebuild of the same version, Node
 * ABI and platform: what the Dockerfile's `npm ci` gets where GitHub answers. `.ci/run`'s own `npm ci` still builds it.
 */
async function localPrebuildsOfSqlite(root: string, directory: string): Promise<Record<string, string>> {
  const packageDirectory = path.join(root, 'node_modules', 'better-sqlite3');
  const binary = path.join('build', 'Release', 'better_sqlite3.node');
  if (!existsSync(path.join(packageDirectory, binary))) return {};
  const { version } = JSON.parse(await readFile(path.join(packageDirectory, 'package.json'), 'utf8')) as {
    version: string;
  };
  await mkdir(directory);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await step(packageDirectory, 'tar', ['-czf', path.join(directory, name), binary]);
  return { npm_config_better_sqlite3_local_prebuilds: directory };
}

async function dockerEngineReachable(): Promise<boolean> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The container, proven without Docker: the production tree built the way the Dockerfile builds it (a fresh
 * clone of the committed code, `npm ci`, the build, `npm prune --omit=dev`), then `node bin/imagine-bot.js start`
 * from it against the fakes. No dev dependency may be needed at run time.
 */
describe('the production tree (as the Dockerfile builds it)', () => {
  let tree: string;
  let images: FakeImageApi;
  let slack: FakeSlack;

  beforeAll(async () => {
    const root = (await run('git', ['rev-parse', '--show-toplevel'])).stdout.trim();
    tree = path.join(await mkdtemp(path.join(tmpdir(), 'imagine-production-')), 'app');
    await step(tmpdir(), 'git', ['clone', '--quiet', '--depth', '1', `file://${root}`, tree]);
    const prebuilds = await localPrebuildsOfSqlite(root, path.join(path.dirname(tree), 'prebuilds'));
    await step(tree, 'npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], prebuilds);
    await step(tree, 'npm', ['run', 'build']);
    await step(tree, 'npm', ['prune', '--omit=dev', '--no-audit', '--no-fund']);
    images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
    slack = await startFakeSlack();
  }, buildTimeoutMs);

  afterAll(async () => {
    await slack?.close();
    await images?.close();
    if (tree) await rm(path.dirname(tree), { recursive: true, force: true });
  });

  it('holds the build and no dev dependency', () => {
    expect(existsSync(path.join(tree, 'dist/src/cli.js'))).toBe(true);
    for (const devOnly of ['vitest', 'typescript', '@biomejs/biome', 's3rver']) {
      expect(existsSync(path.join(tree, 'node_modules', devOnly)), devOnly).toBe(false);
    }
  });

  it('starts the bot from it: /readyz turns 200, Slack answers a signed /imagine with the uploaded image, SIGTERM exits 0', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-production-run-'));
    const bot: CliProcess = spawnCli(['start'], {
      cwd: workDir,
      bin: path.join(tree, 'bin/imagine-bot.js'),
      env: {
        NODE_ENV: 'production',
        ...slackStartEnv(slack, images, imageKey, port),
        LOG_LEVEL: 'info',
        METRICS_PORT: String(metricsPort),
      },
    });
    try {
      await bot.waitFor(`Slack bot running (HTTP on port ${port} (/slack/events))`);
      // Ready: the store, the image store, the queue and Slack are up.
      await readyWithin(`http://127.0.0.1:${metricsPort}/readyz`, 60_000);
      const body = slashCommandBody({ text: 'a production fox', responseUrl: slack.responseUrl() });
      const ack = await signedPost(`http://127.0.0.1:${port}/slack/events`, body, {
        secret: signingSecret,
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(ack.status).toBe(200);
      await waitFor(() => slack.shared.length > 0, 'the uploaded result', 60_000);
      expect(slack.shared.map((file) => file.bytes)).toStrictEqual(images.images);
      // The default stores were made where the Dockerfile mounts its volume: data/ under the working directory.
      expect(existsSync(path.join(workDir, 'data/imagine-bot.sqlite'))).toBe(true);
    } finally {
      bot.child.kill('SIGTERM');
    }
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).not.toContain(imageKey);
  });

  it(
    'builds with Docker where an engine is reachable',
    async (context) => {
      if (!(await dockerEngineReachable())) {
        console.warn(
          'skipped: no Docker engine is reachable here (docker build and compose config need one)',
        );
        context.skip();
        return;
      }
      const root = (await run('git', ['rev-parse', '--show-toplevel'])).stdout.trim();
      await step(root, 'docker', ['build', '--quiet', '-t', 'imagine-bot:test', '.']);
      await step(root, 'docker', ['compose', '-f', 'docker-compose.yml', 'config', '--quiet']);
    },
    buildTimeoutMs,
  );
});
