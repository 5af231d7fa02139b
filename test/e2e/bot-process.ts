/**
 * `imagine-bot start` as a real process in Slack's HTTP mode against the fake Slack and the fake image API, on a
 * SQLite store and an image folder that a second process can open again (a restart).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type FakeImageApi,
  type RecordedRequest,
  startFakeImageApi,
} from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { freePort } from '../cli/start-support.js';
import {
  type FakeSlack,
  type SignedResponse,
  signedPost,
  slashCommandBody,
  startFakeSlack,
  waitFor,
} from '../fakes/slack/index.js';

export const imageKey = 'sk-SENTINEL-e2e-restart-5c3e';
/** Every wait of these tests: a loaded 2-core machine starts a bot through tsx slowly. */
export const waitMs = 60_000;
/** What the ack of an image command shows until the job posts. */
export const queuedAck = JSON.stringify({ response_type: 'ephemeral', text: '⏳ Queued…' });

export interface Fakes {
  slack: FakeSlack;
  images: FakeImageApi;
  close(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const images = await startFakeImageApi({ apiKey: imageKey, maxSide: 64 });
  const slack = await startFakeSlack();
  return {
    slack,
    images,
    async close() {
      await slack.close();
      await images.close();
    },
  };
}

/** Where a bot keeps its state: every process started with the same data shares its jobs and quotas. */
export interface BotData {
  workDir: string;
  storeUrl: string;
  imageStoreUrl: string;
}

export async function newBotData(): Promise<BotData> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-e2e-'));
  return {
    workDir,
    storeUrl: `sqlite://${path.join(workDir, 'bot.sqlite')}`,
    imageStoreUrl: `file://${path.join(workDir, 'images')}`,
  };
}

export interface BotProcess {
  cli: CliProcess;
  eventsUrl: string;
  /** The exit code; null when a signal ended it. */
  exited: Promise<number | null>;
  /** The JSON log lines at level warn or error: an operator would look into each. */
  problemLines(): string[];
}

/** Starts `imagine-bot start` and resolves once it says Slack can reach it. */
export async function startBot(
  fakes: Fakes,
  data: BotData,
  env: Record<string, string> = {},
): Promise<BotProcess> {
  const port = await freePort();
  const cli = spawnCli(['start'], {
    cwd: data.workDir,
    env: {
      SLACK_BOT_TOKEN: fakes.slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: `${fakes.slack.url}/api`,
      PORT: String(port),
      IMAGE_API_BASE_URL: fakes.images.url,
      IMAGE_API_KEY: imageKey,
      IMAGE_API_MAX_RETRIES: '0',
      IMAGE_API_CONCURRENCY: '1',
      STORE_URL: data.storeUrl,
      IMAGE_STORE_URL: data.imageStoreUrl,
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  await cli.waitFor(`Slack bot running (HTTP on port ${port} (/slack/events))`, waitMs);
  return {
    cli,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    exited: cli.exited,
    problemLines: () =>
      cli
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"level":"warn"') || line.includes('"level":"error"')),
  };
}

/** Ends a bot the test left running (a failed assertion), so no process outlives the test file. */
export function killIfRunning(bot: BotProcess | undefined): void {
  if (bot !== undefined && bot.cli.child.exitCode === null && bot.cli.child.signalCode === null)
    bot.cli.child.kill('SIGKILL');
}

export interface SentCommand {
  ack: SignedResponse;
  /** The id of the command's response_url in the fake Slack. */
  responseId: string;
}

/** `/imagine <text>` signed as Slack signs it, with a fresh response_url of the fake Slack unless given one. */
export async function slash(
  bot: BotProcess,
  slack: FakeSlack,
  text: string,
  responseUrl = slack.responseUrl(),
): Promise<SentCommand> {
  const ack = await signedPost(bot.eventsUrl, slashCommandBody({ text, responseUrl }), {
    secret: signingSecret,
    contentType: 'application/x-www-form-urlencoded',
  });
  return { ack, responseId: responseUrl.split('/').pop() ?? '' };
}

/** What the bot posted to a command's response_url, in order. */
export function responseTexts(slack: FakeSlack, command: SentCommand): string[] {
  return slack.responses(command.responseId).map((entry) => String(entry.body.text));
}

/** `/imagine usage`, as the user reads it. */
export async function usageText(bot: BotProcess, slack: FakeSlack): Promise<string> {
  const command = await slash(bot, slack, 'usage');
  return waitFor(() => responseTexts(slack, command)[0], 'the answer to /imagine usage', waitMs);
}

/** The calls that asked the image API for images (not the downloads of its URLs). */
export function generationCalls(images: FakeImageApi): RecordedRequest[] {
  return images.requests.filter((request) => request.path === '/v1/images/generations');
}

export function promptOf(request: RecordedRequest): string {
  const body = request.body;
  return typeof body === 'object' && body !== null && 'prompt' in body ? String(body.prompt) : '';
}

/** What users see of a prompt's results: the public messages quoting it, and the images in their threads. */
export function resultsOf(slack: FakeSlack, prompt: string) {
  const text = `“${prompt}”`;
  const messages = slack.messages().filter((message) => message.text === text);
  return {
    posts: slack.calls('chat.postMessage').filter((call) => call.params.text === text).length,
    messages: messages.length,
    images: slack.shared.filter((file) => messages.some((message) => message.ts === file.threadTs)).length,
  };
}

/** Polls an answer that takes a round trip (a slash command) until `accept` takes it. */
export async function untilAnswer(
  ask: () => Promise<string>,
  accept: (answer: string) => boolean,
  what: string,
): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const answer = await ask();
    if (accept(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer: ${answer}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
