import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorReply, errorText } from '../../../src/commands/replies/index.js';
import { type ErrorCode, ImagineError } from '../../../src/core/errors.js';
import type { Fault } from '../../../src/dev/fake-image-api/index.js';
import { applicationId, discordErrors, generalChannelId } from '../../fakes/discord/index.js';
import {
  alice,
  bodyOf,
  callbackPath,
  customIds,
  type DiscordHarness,
  discordToken,
  generationBodies,
  originalPath,
  startDiscordHarness,
  waitForAnswer,
  waitForGeneration,
} from './discord-harness.js';

const fixedText = (code: ErrorCode) => `❌ ${errorText(new ImagineError(code, ''))}`;
/** Whether the brain offers Retry for this code: the adapter must render exactly that. */
const retries = (code: ErrorCode) => errorReply(new ImagineError(code, ''), 'job').buttons.length > 0;

describe('image API errors, as Discord users read them', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness({ env: { IMAGE_API_TIMEOUT_MS: '1000' } });
  });
  afterEach(async () => {
    await harness.close();
  });

  const cases: { fault: Fault; text: string | RegExp; retry: boolean }[] = [
    { fault: { kind: 'status', status: 401 }, text: fixedText('auth'), retry: retries('auth') },
    { fault: { kind: 'status', status: 403 }, text: fixedText('quota'), retry: retries('quota') },
    { fault: { kind: 'status', status: 429 }, text: fixedText('rate_limit'), retry: retries('rate_limit') },
    { fault: { kind: 'status', status: 503 }, text: fixedText('upstream'), retry: retries('upstream') },
    {
      fault: { kind: 'content_policy', style: 'seedream' },
      text: fixedText('content_policy'),
      retry: retries('content_policy'),
    },
    {
      fault: { kind: 'malformed_json' },
      text: fixedText('malformed_response'),
      retry: retries('malformed_response'),
    },
    { fault: { kind: 'empty' }, text: fixedText('empty_result'), retry: retries('empty_result') },
    { fault: { kind: 'expired_url' }, text: fixedText('download_failed'), retry: retries('download_failed') },
    { fault: { kind: 'hang' }, text: fixedText('timeout'), retry: retries('timeout') },
    {
      fault: {
        kind: 'status',
        status: 400,
        body: { error: { message: 'size is not supported', code: 'bad_size' } },
      },
      text: '❌ The image service rejected the request: size is not supported. Check your options and try again.',
      retry: false,
    },
  ];

  it('answers every error kind with its short message, and a Retry button where asking again helps', async () => {
    const { discord, images } = harness;
    for (const [index, { fault, text, retry }] of cases.entries()) {
      images.fault(fault);
      const sent = discord.slashCommand({
        name: 'imagine',
        user: alice,
        options: { prompt: `try ${index}` },
      });
      const body = bodyOf(await waitForAnswer(harness, sent));
      expect(body.content, fault.kind).toEqual(typeof text === 'string' ? text : expect.stringMatching(text));
      expect(
        customIds(body).map((id) => id.split(':')[1]),
        fault.kind,
      ).toStrictEqual(retry ? ['reroll'] : []);
    }
  });

  it('names the valid choices for an unknown model, without calling the image API', async () => {
    const { discord, images } = harness;
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'x', model: 'nope' },
    });
    const body = bodyOf(await waitForAnswer(harness, sent));
    expect(body.content).toMatch(/^❌ Unknown model "nope"\. Valid models: nano-banana, nano-banana-pro, /);
    expect(generationBodies(images)).toHaveLength(0);
  });
});

describe('Discord failures and limits', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('survives 429s (Retry-After honoured) and 5xx answers from Discord', async () => {
    const { discord, images } = harness;
    discord.fault({ path: '/interactions/', status: 429, retryAfterSeconds: 0.05, global: true, times: 1 });
    discord.fault({ method: 'PATCH', path: '/webhooks/', status: 429, retryAfterSeconds: 0.05, times: 2 });
    discord.fault({ method: 'POST', path: /\/threads$/, ...discordErrors.serverError, times: 2 });
    // Slow enough that the progress edit (which meets the 429s) comes before the result, as a real call does.
    images.fault({ kind: 'latency', ms: 1000 });
    const sent = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'stormy sea' } });
    const answer = await waitForAnswer(harness, sent);
    await discord.waitFor(
      'the thread',
      (record) => record.path.endsWith('/threads') && record.status === 201,
    );
    await harness.bot.idle();
    expect(answer.files.map((file) => file.bytes)).toStrictEqual(images.images);
    const statuses = (path: string | RegExp) =>
      discord.records
        .filter((record) => (typeof path === 'string' ? record.path === path : path.test(record.path)))
        .map((record) => record.status);
    expect(statuses(callbackPath(sent))).toStrictEqual([429, 204]);
    expect(statuses(originalPath(sent))).toStrictEqual([429, 429, 200, 200]);
    expect(statuses(/\/threads$/)).toStrictEqual([500, 500, 201]);
  });

  it('shrinks a result larger than the interaction’s upload limit, and says so', async () => {
    const { discord, images } = harness;
    const noise = randomBytes(300 * 300 * 3);
    const big = await sharp(noise, { raw: { width: 300, height: 300, channels: 3 } })
      .png()
      .toBuffer();
    images.setFixedImage(big);
    const limit = 64 * 1024;
    expect(big.length).toBeGreaterThan(limit);
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'static' },
      attachmentSizeLimit: limit,
    });
    const answer = await waitForAnswer(harness, sent);
    const [file] = answer.files;
    expect(file?.bytes.length).toBeLessThanOrEqual(limit);
    expect(file?.name).toMatch(/\.jpg$/);
    expect((await sharp(file?.bytes).metadata()).format).toBe('jpeg');
    expect(bodyOf(answer).content).toContain('resized to fit the 64 KB upload limit');
  });

  it('posts a result that outlives the 15-minute token in the channel, mentioning only the requester', async () => {
    const { discord, images, clock } = harness;
    images.fault({ kind: 'latency', ms: 400 });
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'a slow sunrise' },
    });
    await waitForGeneration(harness, 1);
    clock.advance(15 * 60 * 1000);
    const posted = await discord.waitFor(
      'the channel message',
      (record) => record.method === 'POST' && record.path === `/channels/${generalChannelId}/messages`,
    );
    await harness.bot.idle();
    expect(bodyOf(posted).content).toMatch(new RegExp(`^<@${alice.id}> “a slow sunrise”\\n-# `));
    expect(bodyOf(posted).allowed_mentions).toStrictEqual({
      parse: [],
      replied_user: false,
      users: [alice.id],
    });
    expect(posted.files.map((file) => file.bytes)).toStrictEqual(images.images);
    const webhookEdits = discord.records.filter((record) => record.path === originalPath(sent));
    expect(webhookEdits.map((record) => bodyOf(record).content)).toStrictEqual(['🎨 Working…']);
    const thread = await discord.waitFor('the thread', (record) => record.path.endsWith('/threads'));
    const message = [...discord.world.messages.values()].find((candidate) =>
      candidate.content.startsWith('<@'),
    );
    expect(thread.path).toBe(`/channels/${generalChannelId}/messages/${message?.id}/threads`);
  });

  it('falls back to the channel when Discord says the token is dead (50027)', async () => {
    const { discord, images } = harness;
    discord.fault({
      method: 'PATCH',
      path: `/webhooks/${applicationId}/`,
      ...discordErrors.invalidWebhookToken,
      times: 5,
    });
    const sent = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'a late owl' } });
    const posted = await discord.waitFor(
      'the channel message',
      (record) => record.method === 'POST' && record.path === `/channels/${generalChannelId}/messages`,
    );
    expect(bodyOf(posted).content).toMatch(new RegExp(`^<@${alice.id}> “a late owl”`));
    expect(posted.files.map((file) => file.bytes)).toStrictEqual(images.images);
    await harness.bot.idle();
    // The log says what happened, never with the interaction's token or the bot's.
    const log = harness.logLines.join('\n');
    expect(log).toContain('the interaction token has expired; posting in the channel');
    expect(log).not.toContain(sent.token);
    expect(log).not.toContain(discordToken);
  });

  it('keeps working after a callback that came too late (10062)', async () => {
    const { discord } = harness;
    discord.fault({ path: '/interactions/', ...discordErrors.unknownInteraction });
    const late = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'never shown' } });
    await discord.waitFor('the refused callback', (record) => record.path === callbackPath(late));
    const next = discord.slashCommand({ name: 'usage', user: alice });
    expect(bodyOf(await waitForAnswer(harness, next)).content).toMatch(/^Today: you /);
    await harness.bot.idle();
    expect(harness.logLines.some((line) => line.includes('expired before it was acknowledged'))).toBe(true);
    expect(discord.records.some((record) => record.path === originalPath(late))).toBe(false);
  });
});
