import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import { type App, createApp } from '../../../src/app.js';
import { type SlackBot, type SlackBotOptions, startSlackBot } from '../../../src/bots/slack/index.js';
import { configSecrets, parseConfig } from '../../../src/config.js';
import type { Clock } from '../../../src/core/jobs/local-runner.js';
import { createLogger } from '../../../src/core/logger.js';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import {
  type ButtonPress,
  blockActionsBody,
  eventBody,
  type FakeSlack,
  type SignedResponse,
  signedPost,
  slashCommandBody,
  startFakeSlack,
  viewSubmissionBody,
  waitFor,
} from '../../fakes/slack/index.js';
import { sentinelKey } from '../../support/bot-harness.js';

export const signingSecret = 'slack-signing-secret-7d41e0';

export interface SlackHarnessOptions {
  env?: Record<string, string>;
  /** Shared fakes (the caller closes them), e.g. across a restart. */
  slack?: FakeSlack;
  images?: FakeImageApi;
  socketMode?: boolean;
  retryConfig?: SlackBotOptions['retryConfig'];
  progressIntervalMs?: number;
  /** The runner's "working… n s" interval. */
  runnerProgressMs?: number;
  /** For the app and the bot (a fast clock makes "working… n s" move). */
  clock?: Clock;
  storeUrl?: string;
  /** Keep Prometheus metrics (as `start` does). */
  metrics?: boolean;
}

export interface SlashResult {
  status: number;
  /** The ack's body ('' for an empty ack). */
  text: string;
  /** The response_url id the command carried. */
  responseId: string;
  /** The x-test-request label its ack is marked with (`ack:<requestId>:<status>`). */
  requestId: string;
}

export interface SlackHarness {
  slack: FakeSlack;
  images: FakeImageApi;
  app: App;
  bot: SlackBot;
  eventsUrl: string;
  logLines: string[];
  slash(text: string, fields?: { user?: string; channel?: string; team?: string }): Promise<SlashResult>;
  event(
    event: Record<string, unknown>,
    eventId: string,
    headers?: Record<string, string>,
  ): Promise<SignedResponse>;
  press(press: Omit<ButtonPress, 'responseUrl'>): Promise<SignedResponse>;
  submitEdit(privateMetadata: string, text: string, user?: string): Promise<SignedResponse>;
  /** Prompts the image API received, in order. */
  prompts(): string[];
  imageBodies(): Record<string, unknown>[];
  /** Stops the bot and the app (the fakes stay when shared). */
  close(): Promise<void>;
}

let requestNumber = 0;

/** Marks each image API call in the fake Slack's log, at the moment the bot dispatches it. */
function recordingDispatcher(slack: FakeSlack): Dispatcher {
  return new Agent().compose((dispatch) => (options, handler) => {
    if (options.path.includes('/v1/images/generations') && typeof options.body === 'string') {
      const body: unknown = JSON.parse(options.body);
      const prompt = typeof body === 'object' && body !== null ? Reflect.get(body, 'prompt') : undefined;
      slack.mark(`image-api:${String(prompt)}`);
    }
    return dispatch(options, handler);
  });
}

/** Marks when Bolt writes the answer to a signed request (the ack), by the request's x-test-request. */
function markAcks(bot: SlackBot, slack: FakeSlack): void {
  bot.server?.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const label = request.headers['x-test-request'];
    const end = response.end;
    Reflect.set(response, 'end', (...parts: unknown[]) => {
      slack.mark(`ack:${String(label)}:${response.statusCode}`);
      return Reflect.apply(end, response, parts);
    });
  });
}

/** The real bot (createApp + startSlackBot, as `npm start`) against a fake Slack and the fake image API. */
export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const slack = options.slack ?? (await startFakeSlack());
  const images = options.images ?? (await startFakeImageApi({ apiKey: sentinelKey, maxSide: 256 }));
  const config = parseConfig({
    IMAGE_API_BASE_URL: images.url,
    IMAGE_API_KEY: sentinelKey,
    IMAGE_API_MAX_RETRIES: '0',
    STORE_URL: options.storeUrl ?? 'memory://',
    IMAGE_STORE_URL: 'memory://',
    LOG_LEVEL: 'debug',
    SLACK_BOT_TOKEN: slack.botToken,
    ...(options.socketMode ? { SLACK_APP_TOKEN: slack.appToken } : { SLACK_SIGNING_SECRET: signingSecret }),
    SLACK_API_URL: `${slack.url}/api`,
    PORT: '0',
    ...options.env,
  });
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: configSecrets(config),
    sink: (line) => logLines.push(line),
  });
  const app = await createApp(config, {
    logger,
    dispatcher: recordingDispatcher(slack),
    progressIntervalMs: options.runnerProgressMs ?? 60_000,
    // Seeds drawn for requests that give none are then known: floor(0.5 × 2^31) = 1073741824.
    random: () => 0.5,
    ...(options.clock && { clock: options.clock }),
    ...(options.metrics && { metrics: true }),
  });
  const bot = await startSlackBot({
    app,
    config,
    host: '127.0.0.1',
    progressIntervalMs: options.progressIntervalMs ?? 0,
    ...(options.clock && { clock: options.clock }),
    ...(options.retryConfig && { retryConfig: options.retryConfig }),
  });
  markAcks(bot, slack);
  const address = bot.server?.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  const labelled = (
    body: string,
    contentType: 'application/json' | 'application/x-www-form-urlencoded',
    headers = {},
  ) => {
    requestNumber += 1;
    const requestId = String(requestNumber);
    const sent = signedPost(eventsUrl, body, {
      secret: signingSecret,
      contentType,
      headers: { 'x-test-request': requestId, ...headers },
    });
    return { requestId, sent };
  };
  const post = (...args: Parameters<typeof labelled>) => labelled(...args).sent;
  const form = 'application/x-www-form-urlencoded' as const;
  const imageBodies = () =>
    images.requests
      .filter((request) => request.path === '/v1/images/generations')
      .map(
        (request): Record<string, unknown> =>
          typeof request.body === 'object' && request.body !== null ? { ...request.body } : {},
      );

  return {
    slack,
    images,
    app,
    bot,
    eventsUrl,
    logLines,
    async slash(text, fields = {}) {
      const responseUrl = slack.responseUrl();
      const { requestId, sent } = labelled(slashCommandBody({ text, responseUrl, ...fields }), form);
      return { ...(await sent), requestId, responseId: responseUrl.split('/').pop() ?? '' };
    },
    event: (event, eventId, headers) => post(eventBody(event, eventId), 'application/json', headers),
    press: (press) => post(blockActionsBody({ ...press, responseUrl: slack.responseUrl() }), form),
    submitEdit: (privateMetadata, text, user) =>
      post(
        viewSubmissionBody({
          callbackId: 'imagine-edit',
          privateMetadata,
          values: { edit: { text: { type: 'plain_text_input', value: text } } },
          ...(user && { user }),
        }),
        form,
      ),
    imageBodies,
    prompts: () => imageBodies().map(promptOf),
    async close() {
      await bot.stop();
      await app.close();
      if (!options.slack) await slack.close();
      if (!options.images) await images.close();
    },
  };
}

export interface PostedResult {
  /** The result message's ts (its thread holds the images). */
  ts: string;
  jobId: string;
}

/** `/imagine <text>` and its finished result. */
export async function imagineResult(harness: SlackHarness, text: string): Promise<PostedResult> {
  const before = harness.slack.calls('files.completeUploadExternal').length;
  const ack = await harness.slash(text);
  await waitFor(
    () => harness.slack.responses(ack.responseId).some((entry) => entry.body.text === '✅ Done'),
    `the result of /imagine ${text}`,
  );
  const complete = harness.slack.calls('files.completeUploadExternal')[before];
  const ts = complete?.params.thread_ts ?? '';
  const message = harness.slack.messages().find((candidate) => candidate.ts === ts);
  if (!message) throw new Error('no result message');
  // The job is linked to its message once the outlet has posted it (a moment after the "done" note).
  await harness.app.jobDelivery.idle();
  const jobId = await harness.app.services.conversations.jobOfMessage(`slack:C0001:${ts}`);
  if (!jobId) throw new Error('the result message is not linked to its job');
  return { ts, jobId };
}

let eventNumber = 0;
/** A fresh Events API event id. */
export const nextEventId = (): string => {
  eventNumber += 1;
  return `Ev${String(eventNumber).padStart(6, '0')}`;
};

const editBody = z.object({
  contents: z.array(z.object({ parts: z.array(z.object({ text: z.string().optional() })) })),
});

/** A body's prompt: `prompt`, or the last text of `contents` (edits). */
function promptOf(body: Record<string, unknown>): string {
  if (typeof body.prompt === 'string') return body.prompt;
  const parsed = editBody.safeParse(body);
  const texts = parsed.success
    ? parsed.data.contents.flatMap((turn) => turn.parts.map((part) => part.text))
    : [];
  return texts.filter((text) => text !== undefined).at(-1) ?? '';
}
