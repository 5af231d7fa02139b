import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import type { CliProcess } from '../bots/console/cli-process.js';
import { alice, bodyOf, discordToken, originalPath } from '../bots/discord/discord-harness.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { freePort } from '../cli/start-support.js';
import { removeRedisNamespace } from '../core/store/redis-namespace.js';
import { applicationId, type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/index.js';
import {
  generationsFor,
  jobCounts,
  jobQueue,
  kill,
  overlapsPerUser,
  ready,
  responsesTo,
  resultsFor,
  type SentCommand,
  slash,
  spawnBot,
  until,
} from './scale-out-support.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the Redis scale-out process tests are skipped.');

const imageKey = 'sk-SENTINEL-scale-out-3f9a';
const slackReady = (port: number) => `Slack bot running (HTTP on port ${port} (/slack/events))`;
const users = ['U0SCALE1', 'U0SCALE2', 'U0SCALE3', 'U0SCALE4', 'U0SCALE5'];

/**
 * Real `imagine-bot` processes sharing one Redis (a namespace of their own: STORE_NAMESPACE), killed with SIGKILL.
 * JOB_STALLED_MS is short so a dead worker's jobs are taken over within seconds instead of 30.
 */
describe.skipIf(!redisUrl)('several bot processes on one Redis', () => {
  const url = redisUrl ?? '';
  const namespace = `imagine-e2e-${randomUUID().slice(0, 8)}`;
  const discordNamespace = `${namespace}-discord`;
  const bots: CliProcess[] = [];
  let images: FakeImageApi;
  let slack: FakeSlack;
  let queue: Queue;
  // A runs jobs and is killed; B runs jobs and survives; C only receives commands (start --no-worker).
  let portA: number;
  let portB: number;
  let portC: number;
  let botA: CliProcess;
  let botC: CliProcess;

  const shared = () => ({
    IMAGE_API_BASE_URL: images.url,
    IMAGE_API_KEY: imageKey,
    IMAGE_API_MAX_RETRIES: '0',
    IMAGE_API_CONCURRENCY: '3',
    USER_CONCURRENCY: '1',
    USER_RATE_LIMIT_PER_MINUTE: '0',
    STORE_URL: url,
    STORE_NAMESPACE: namespace,
    JOB_STALLED_MS: '5000',
    SHUTDOWN_GRACE_MS: '0',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  });
  const slackBot = async (port: number, args: string[] = []) => {
    const bot = await spawnBot(['start', ...args], {
      ...shared(),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
    });
    bots.push(bot);
    await ready(bot, slackReady(port));
    return bot;
  };

  beforeAll(async () => {
    images = await startFakeImageApi({ apiKey: imageKey, maxSide: 64 });
    slack = await startFakeSlack();
    queue = jobQueue(url, namespace);
    [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
    [botA, botC] = await Promise.all([slackBot(portA), slackBot(portC, ['--no-worker'])]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(bots.map((bot) => kill(bot)));
    await queue?.close();
    await slack?.close();
    await images?.close();
    await removeRedisNamespace(url, namespace);
    await removeRedisNamespace(url, discordNamespace);
  });

  it('a worker killed mid-job: the other finishes its jobs, each of 20 commands answered once, caps held fleet-wide', async () => {
    // A's first three calls never answer: A is mid-job, holding every fleet-wide slot, when it is killed.
    images.fault({ kind: 'hang', times: 3 });
    images.fault({ kind: 'latency', ms: 300, times: 100 });
    const commands: SentCommand[] = [];
    const send = async (port: number, user: string, index: number) => {
      commands.push(await slash(slack, port, user, `${user} lantern ${String(index).padStart(2, '0')}`));
    };
    for (const index of [0, 1, 2]) await send(portA, users[index] ?? '', index);
    await until(() => images.inFlight().now === 3, 'A running three jobs');
    await slackBot(portB);
    // One busy user first: without a fleet-wide per-user cap, their jobs would fill B's three slots.
    for (let index = 3; index < 20; index += 1) {
      const user = (index <= 10 ? users[0] : users[1 + (index % 4)]) ?? '';
      await send(index % 2 === 0 ? portA : portB, user, index);
    }
    // Every command is in the shared queue before A dies (an acked command A never queued is another story).
    await until(async () => (await jobCounts(queue)).pending === 20, 'all 20 jobs queued');
    expect(images.inFlight().now).toBe(3);

    // The start-up line names the mode: jobs go through BullMQ.
    expect(botA.stderr()).toContain('"jobs":"bullmq"');
    await kill(botA);
    expect(botA.child.signalCode).toBe('SIGKILL');
    await until(async () => (await jobCounts(queue)).completed === 20, 'all 20 jobs completed', 90_000);

    for (const command of commands) {
      const results = resultsFor(slack, command.prompt);
      expect(results, command.prompt).toHaveLength(1);
      expect(results[0]?.files, command.prompt).toHaveLength(1);
      expect(responsesTo(slack, command.responseUrl).join('\n')).not.toContain('❌');
    }
    expect(slack.shared).toHaveLength(20);
    // The three jobs A was running were called again by B; every other job once.
    const calls = commands.map((command) => generationsFor(images, command.prompt).length);
    expect(calls).toEqual([2, 2, 2, ...Array.from({ length: 17 }, () => 1)]);
    expect(images.inFlight().max).toBeLessThanOrEqual(3);
    expect(overlapsPerUser(images, commands)).toEqual([]);
    expect((await jobCounts(queue)).failed).toBe(0);
  }, 150_000);

  it('/imagine cancel on one instance stops the job running on another; the user sees Cancelled, no result', async () => {
    images.clearFaults();
    images.fault({ kind: 'hang' });
    const user = 'U0CANCEL';
    const job = await slash(slack, portB, user, 'a kite that never lands');
    await until(() => images.inFlight().now === 1, 'B running the job');
    // C receives the cancel; C runs no jobs (--no-worker), so the job it stops runs on B.
    const cancel = await slash(slack, portC, user, 'cancel');
    await until(
      () => responsesTo(slack, cancel.responseUrl).some((text) => text.includes('Cancelled')),
      'the answer to /imagine cancel',
    );
    await until(
      () => responsesTo(slack, job.responseUrl).some((text) => text.includes('Cancelled')),
      "the job's note saying Cancelled",
    );
    await until(() => images.inFlight().now === 0, 'the upstream call to be dropped');
    // BullMQ records the job as failed (cancelled) only after B posted its end: nothing can follow.
    await until(async () => (await jobCounts(queue)).failed === 1, 'the job to end cancelled');
    expect((await jobCounts(queue)).pending).toBe(0);
    expect(responsesTo(slack, job.responseUrl).filter((text) => text.includes('Cancelled'))).toEqual([
      'Cancelled.',
    ]);
    expect(resultsFor(slack, job.prompt)).toEqual([]);
    expect(generationsFor(images, job.prompt)).toHaveLength(1);
    expect(botC.child.exitCode).toBeNull();
  }, 90_000);

  describe('Discord', () => {
    let discord: FakeDiscord;
    afterAll(async () => {
      await discord?.close();
    });

    it('a job received by a front end (start --no-worker) and run by `imagine-bot worker` answers the interaction once, through REST', async () => {
      images.clearFaults();
      discord = await startFakeDiscord();
      const env = {
        ...shared(),
        STORE_NAMESPACE: discordNamespace,
        DISCORD_TOKEN: discordToken,
        DISCORD_APPLICATION_ID: applicationId,
        DISCORD_API_URL: discord.apiUrl,
      };
      const [receiver, worker] = await Promise.all([
        spawnBot(['start', '--no-worker'], env),
        spawnBot(['worker'], env),
      ]);
      bots.push(receiver, worker);
      await Promise.all([ready(receiver, 'Discord bot connected.'), ready(worker, 'Worker running')]);
      const discordQueue = jobQueue(url, discordNamespace);
      try {
        const sent = discord.slashCommand({
          name: 'imagine',
          user: alice,
          options: { prompt: 'a tin robot' },
        });
        const isAnswer = (record: (typeof discord.records)[number]) =>
          record.method === 'PATCH' &&
          record.path === originalPath(sent) &&
          bodyOf(record).components !== undefined;
        const answer = await discord.waitFor('the answer', isAnswer, 60_000);
        await until(async () => (await jobCounts(discordQueue)).completed === 1, 'the job completed');
        expect(bodyOf(answer).content).toMatch(/^“a tin robot”/);
        expect(answer.files.map((file) => file.bytes)).toStrictEqual([images.images.at(-1)]);
        expect(discord.records.filter(isAnswer)).toHaveLength(1);
        // No message went to the channel instead (the token was fresh); the thread on the answer is expected.
        const channelPosts = discord.records.filter(
          (record) => record.method === 'POST' && /^\/channels\/\d+\/messages$/.test(record.path),
        );
        expect(channelPosts).toEqual([]);
      } finally {
        await discordQueue.close();
      }
    }, 150_000);
  });
});
