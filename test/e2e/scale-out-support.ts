import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/core/jobs/bullmq-wire.js';
import type { FakeImageApi, RecordedRequest } from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { type FakeSlack, signedPost, slashCommandBody } from '../fakes/slack/index.js';

/** Starting a bot through tsx on a loaded 2-core machine can take a while; nothing here measures time. */
const readyLimitMs = 90_000;

/** Polls `probe` until it holds; fails naming what it waited for (and, for a bot, what it printed). */
export async function until(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `node bin/imagine-bot.js <args>` in an empty folder (no .env), with only the given variables. */
export async function spawnBot(args: string[], env: Record<string, string>): Promise<CliProcess> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'imagine-scale-out-'));
  return spawnCli(args, { cwd, env });
}

/** Resolves once the bot printed `text`; rejects with its output when it exits first or takes too long. */
export async function ready(bot: CliProcess, text: string): Promise<void> {
  const deadline = Date.now() + readyLimitMs;
  while (!bot.stdout().includes(text)) {
    if (bot.child.exitCode !== null || bot.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`the bot did not print "${text}".\nstdout:\n${bot.stdout()}\nstderr:\n${bot.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function kill(bot: CliProcess | undefined): Promise<void> {
  if (bot === undefined || bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  bot.child.kill('SIGKILL');
  await bot.exited;
}

export interface SentCommand {
  prompt: string;
  user: string;
  responseUrl: string;
}

/** A signed `/imagine <text>` from `user`, as Slack posts it to one instance's port; resolves with the ack. */
export async function slash(slack: FakeSlack, port: number, user: string, text: string) {
  const responseUrl = slack.responseUrl();
  const body = slashCommandBody({ text, responseUrl, user, userName: user.toLowerCase() });
  const ack = await signedPost(`http://127.0.0.1:${port}/slack/events`, body, {
    secret: signingSecret,
    contentType: 'application/x-www-form-urlencoded',
  });
  if (ack.status !== 200) throw new Error(`the bot answered ${ack.status} to /imagine ${text}`);
  return { prompt: text, user, responseUrl, ack: ack.text };
}

/** What the response_url of one command received, as text. */
export function responsesTo(slack: FakeSlack, responseUrl: string): string[] {
  const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
  return slack.responses(id).map((response) => String(response.body.text ?? ''));
}

/** The public result messages for `prompt` (top level), each with the images shared in its thread. */
export function resultsFor(slack: FakeSlack, prompt: string) {
  return slack
    .messages()
    .filter((message) => message.threadTs === undefined && message.text.includes(`“${prompt}”`))
    .map((message) => ({ message, files: slack.shared.filter((file) => file.threadTs === message.ts) }));
}

/** The generation requests whose body carries `prompt`. */
export function generationsFor(images: FakeImageApi, prompt: string): RecordedRequest[] {
  return images.requests.filter(
    (request) => request.path === '/v1/images/generations' && JSON.stringify(request.body).includes(prompt),
  );
}

/**
 * Pairs of one user's generation requests that were in flight at the same time (each request from its arrival
 * until it was answered or its caller hung up).
 */
export function overlapsPerUser(images: FakeImageApi, commands: readonly SentCommand[]): string[] {
  const overlaps: string[] = [];
  const users = new Set(commands.map((command) => command.user));
  for (const user of users) {
    const calls = commands
      .filter((command) => command.user === user)
      .flatMap((command) => generationsFor(images, command.prompt));
    for (const [index, first] of calls.entries()) {
      for (const second of calls.slice(index + 1)) {
        const firstEnd = first.endedAt ?? Number.POSITIVE_INFINITY;
        const secondEnd = second.endedAt ?? Number.POSITIVE_INFINITY;
        if (first.at < secondEnd && second.at < firstEnd) overlaps.push(`${user}: ${first.at}/${second.at}`);
      }
    }
  }
  return overlaps;
}

/** The fleet's BullMQ queue as the bots name it (`<STORE_NAMESPACE>:bull`, queue `jobs`), read directly. */
export function jobQueue(redisUrl: string, namespace: string): Queue {
  return new Queue('jobs', { connection: redisConnection(redisUrl), prefix: `${namespace}:bull` });
}

export async function jobCounts(queue: Queue) {
  const counts = await queue.getJobCounts(
    'active',
    'waiting',
    'delayed',
    'prioritized',
    'completed',
    'failed',
  );
  const count = (state: string) => counts[state] ?? 0;
  return {
    pending: count('active') + count('waiting') + count('delayed') + count('prioritized'),
    completed: count('completed'),
    failed: count('failed'),
  };
}
