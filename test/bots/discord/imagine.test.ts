import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { solidPng } from '../../dev/fake-image-api-helpers.js';
import { applicationId, generalChannelId, type SentInteraction } from '../../fakes/discord/index.js';
import { dataUri } from '../../support/bot-harness.js';
import {
  alice,
  bob,
  bodyOf,
  callbackPath,
  carol,
  customIds,
  type DiscordHarness,
  discordToken,
  generationBodies,
  originalPath,
  startDiscordHarness,
  waitForAnswer,
  waitForGeneration,
} from './discord-harness.js';

describe('/imagine on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('defers, then answers with the exact images, the caption and the buttons, and starts a thread on it', async () => {
    const { discord, images } = harness;
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'a red fox', n: 2 },
    });
    const answer = await waitForAnswer(harness, sent);
    const thread = await discord.waitFor('the thread', (record) => record.path.endsWith('/threads'));
    await harness.bot.idle();

    const callback = discord.records.find((record) => record.path === callbackPath(sent));
    expect(callback?.body).toStrictEqual({ type: 5, data: { flags: 0 } });
    expect(callback?.authorization).toBeUndefined();
    const firstGeneration = images.requests.find((request) => request.path === '/v1/images/generations');
    expect(callback?.at).toBeLessThanOrEqual(firstGeneration?.at ?? 0);

    expect(generationBodies(images)[0]).toMatchObject({
      model: 'gemini-2.5-flash-image',
      prompt: 'a red fox',
    });
    // Two parallel calls: the fake records their answers in whichever order they finished.
    const sorted = (buffers: readonly Buffer[]) => [...buffers].sort(Buffer.compare);
    expect(sorted(answer.files.map((file) => file.bytes))).toStrictEqual(sorted(images.images));
    expect(answer.files.map((file) => file.name)).toStrictEqual([
      expect.stringMatching(/^imagine-.+-1\.png$/),
      expect.stringMatching(/^imagine-.+-2\.png$/),
    ]);
    const body = bodyOf(answer);
    expect(body.content).toMatch(/^“a red fox”\n-# /);
    expect(body.allowed_mentions).toStrictEqual({ parse: [], replied_user: false });
    const ids = customIds(body);
    const jobId = ids[0]?.split(':')[2] ?? '';
    expect(ids).toStrictEqual([
      ...['upscale:1', 'upscale:2', 'variations:1', 'variations:2'].map((button) => {
        const [action, image] = button.split(':');
        return `imagine:${action}:${jobId}:${image}`;
      }),
      ...['reroll', 'edit', 'delete'].map((action) => `imagine:${action}:${jobId}`),
    ]);

    const message = discord.world.messages.get(discord.world.originals.get(sent.token) ?? '');
    expect(thread.path).toBe(`/channels/${generalChannelId}/messages/${message?.id}/threads`);
    expect(thread.body).toMatchObject({ name: 'a red fox', auto_archive_duration: 1440 });
    expect(thread.authorization).toBe(`Bot ${discordToken}`);
    const conversations = harness.app.services.conversations;
    expect(await conversations.jobOfMessage(`discord:${generalChannelId}:${message?.id}`)).toBe(jobId);
    expect(await conversations.conversationOfThread(`discord:${message?.id}`)).toBeDefined();
    expect(originalPath(sent)).toBe(`/webhooks/${applicationId}/${sent.token}/messages/@original`);
  });
});

describe('/imagine with attachments and a queue', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness({ env: { IMAGE_API_CONCURRENCY: '1' } });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('downloads image, image2 and image3 from their URLs and sends them, in that order, to the model', async () => {
    const { discord, images } = harness;
    const red = await solidPng('#ff0000');
    const green = await solidPng('#00ff00');
    const blue = await solidPng('#0000ff');
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'combine them', model: 'seedream-4' },
      attachments: {
        image3: { name: 'c.png', bytes: blue, contentType: 'image/png' },
        image: { name: 'a.png', bytes: red, contentType: 'image/png' },
        image2: { name: 'b.png', bytes: green, contentType: 'image/png' },
      },
    });
    const answer = await waitForAnswer(harness, sent);
    expect(answer.files.map((file) => file.bytes)).toStrictEqual(images.images);
    const body = JSON.stringify(generationBodies(images)[0]);
    const positions = [red, green, blue].map((bytes) => body.indexOf(dataUri(bytes)));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((left, right) => left - right)).toStrictEqual(positions);
  });

  it('answers a file that is not an image with a message naming it, and calls no model', async () => {
    const { discord, images } = harness;
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'edit this' },
      attachments: {
        image: { name: 'notes.txt', bytes: Buffer.from('just text'), contentType: 'text/plain' },
      },
    });
    const answer = await waitForAnswer(harness, sent);
    expect(bodyOf(answer).content).toMatch(
      /^❌ "notes\.txt" is not an image \(it looks like .+\); attach PNG/,
    );
    expect(generationBodies(images)).toHaveLength(0);
  });

  it('shows the queue position, then the elapsed time, at most one edit per 2 s of the clock', async () => {
    const { discord, images, clock } = harness;
    images.fault({ kind: 'latency', ms: 600 });
    const first = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'first' } });
    await waitForGeneration(harness, 1);
    const second = discord.slashCommand({ name: 'imagine', user: bob, options: { prompt: 'second' } });
    await discord.waitFor('the queue position', (record) => record.path === originalPath(second));
    clock.advance(2000);
    const third = discord.slashCommand({ name: 'imagine', user: carol, options: { prompt: 'third' } });
    await discord.waitFor('the queue position', (record) => record.path === originalPath(third));
    await Promise.all([first, second, third].map((sent) => waitForAnswer(harness, sent)));

    const edits = (sent: SentInteraction) =>
      discord.records
        .filter((record) => record.path === originalPath(sent))
        .map((record) => bodyOf(record).content ?? '');
    expect(edits(second)).toStrictEqual([
      '⏳ Queued — #1 in line',
      '🎨 Working…',
      expect.stringMatching(/^“second”\n-# /),
    ]);
    // Its place moved to #1, then it ran, all within 2 s of its first edit: no edit for those.
    expect(edits(third)).toStrictEqual(['⏳ Queued — #2 in line', expect.stringMatching(/^“third”\n-# /)]);
  });
});

describe('/imagine with a style reference', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("takes sref: <result id> as an option and sends that result's image after the prompt, as a style", async () => {
    const { discord, images } = harness;
    const first = await waitForAnswer(
      harness,
      discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'a watercolour' } }),
    );
    const jobId = customIds(bodyOf(first))[0]?.split(':')[2] ?? '';
    expect(bodyOf(first).content).toContain(`id ${jobId}`);
    await harness.bot.idle();
    await waitForAnswer(
      harness,
      discord.slashCommand({
        name: 'imagine',
        user: alice,
        options: { prompt: 'a red fox', model: 'gpt-image', sref: jobId },
      }),
    );
    expect(generationBodies(images)[1]).toStrictEqual({
      model: 'gpt-image-1',
      prompt:
        'a red fox\n\nImage 1 is a style reference: use its style (colours, lighting, medium, texture), not its subject or composition.',
      size: '1024x1024',
      n: 1,
      image: dataUri(images.images[0]),
    });
  });
});
