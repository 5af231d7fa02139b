import { afterEach, describe, expect, it } from 'vitest';
import {
  artistRoleId,
  botUser,
  discordErrors,
  generalChannelId,
  otherChannelId,
} from '../../fakes/discord/index.js';
import {
  alice,
  bob,
  bodyOf,
  callbackPath,
  type DiscordHarness,
  generationBodies,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

let harness: DiscordHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function resultThread(running: DiscordHarness): Promise<string> {
  const sent = running.discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'a fox' } });
  await waitForAnswer(running, sent);
  await running.bot.idle();
  return running.discord.world.originals.get(sent.token) ?? '';
}

describe('Discord access control from config', () => {
  it('answers only in allowed channels and for allowed roles, privately and without calling a model', async () => {
    harness = await startDiscordHarness({
      env: { DISCORD_ALLOWED_CHANNELS: generalChannelId, DISCORD_ALLOWED_ROLES: artistRoleId },
    });
    const { discord, images } = harness;
    const artist = { ...bob, roles: [artistRoleId] };
    const elsewhere = discord.slashCommand({
      name: 'imagine',
      user: artist,
      options: { prompt: 'x' },
      channelId: otherChannelId,
    });
    const noRole = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'x' } });
    const refusals = await Promise.all(
      [elsewhere, noRole].map((sent) =>
        discord.waitFor('the refusal', (record) => record.path === callbackPath(sent)),
      ),
    );
    expect(refusals.map((record) => record.body)).toStrictEqual([
      {
        type: 4,
        data: expect.objectContaining({
          content: 'This bot is not enabled in this channel; try one where it is.',
          flags: 64,
        }),
      },
      {
        type: 4,
        data: expect.objectContaining({
          content: 'You need one of the roles this bot is enabled for to use it.',
          flags: 64,
        }),
      },
    ]);
    const allowed = discord.slashCommand({ name: 'imagine', user: artist, options: { prompt: 'a bee' } });
    await waitForAnswer(harness, allowed);
    expect(generationBodies(images).map((body) => body.prompt)).toStrictEqual(['a bee']);
  });
});

describe('missing Discord permissions', () => {
  it('says which permission to grant when it cannot start a thread, and still links the result', async () => {
    harness = await startDiscordHarness();
    const { discord } = harness;
    discord.fault({ method: 'POST', path: /\/threads$/, ...discordErrors.missingPermissions });
    const sent = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'a moth' } });
    await waitForAnswer(harness, sent);
    const notice = await discord.waitFor(
      'the notice',
      (record) => record.method === 'POST' && record.path.startsWith('/webhooks/'),
    );
    await harness.bot.idle();
    expect(bodyOf(notice)).toMatchObject({
      content:
        '⚠ I could not start a thread for this result: I need the **Create Public Threads** permission in this channel. Ask a server admin to grant it to me. Meanwhile, reply to the image to edit it.',
      flags: 64,
    });
    const messageId = discord.world.originals.get(sent.token) ?? '';
    expect(
      await harness.app.services.conversations.jobOfMessage(`discord:${generalChannelId}:${messageId}`),
    ).toBeDefined();
  });

  it('posts the text and names Attach Files when the upload is refused', async () => {
    harness = await startDiscordHarness();
    const { discord } = harness;
    const threadId = await resultThread(harness);
    discord.fault({
      method: 'POST',
      path: `/channels/${threadId}/messages`,
      withFiles: true,
      ...discordErrors.missingPermissions,
    });
    const message = discord.userMessage({ author: alice, channelId: threadId, content: 'make it blue' });
    await discord.waitFor('the ✅', (record) => record.path.endsWith(`${message.id}/reactions/✅/@me`));
    const posts = discord.records.filter(
      (record) => record.method === 'POST' && record.path === `/channels/${threadId}/messages`,
    );
    expect(posts.map((record) => [record.status, record.files.length])).toStrictEqual([
      [403, 1],
      [200, 0],
    ]);
    expect(bodyOf(posts[1])).toMatchObject({
      content: expect.stringMatching(
        /^“make it blue”\n-# .+\n⚠ I could not upload the images: I need the \*\*Attach Files\*\* permission in this channel\./,
      ),
    });
  });
});

describe('without the Message Content intent', () => {
  it('logs it at start-up, leaves the intent out, and still serves slash commands and mentions', async () => {
    harness = await startDiscordHarness({ applicationFlags: 0 });
    const { discord, images } = harness;
    // Guilds 1, GuildMessages 512, GuildMessageReactions 1024 and DirectMessageReactions 8192 (⭐ for the board).
    expect(discord.identifies.map((identify) => identify.intents)).toStrictEqual([1 | 512 | 1024 | 8192]);
    expect(harness.logLines.some((line) => line.includes('the Message Content intent is not enabled'))).toBe(
      true,
    );
    const threadId = await resultThread(harness);
    // Real Discord sends other messages empty: the bot must not act on them.
    discord.userMessage({ author: alice, channelId: threadId, content: '' });
    const mention = discord.userMessage({
      author: alice,
      channelId: threadId,
      content: `<@${botUser.id}> make it purple`,
      mentionsBot: true,
    });
    await discord.waitFor('the ✅', (record) => record.path.endsWith(`${mention.id}/reactions/✅/@me`));
    expect(generationBodies(images)[1]?.contents).toMatchObject([
      { role: 'user' },
      { role: 'model' },
      { role: 'user', parts: [{ text: 'make it purple' }] },
    ]);
  });

  it('with it, asks for it in IDENTIFY', async () => {
    harness = await startDiscordHarness();
    expect(harness.discord.identifies.map((identify) => identify.intents)).toStrictEqual([
      1 | 512 | 1024 | 8192 | 32768,
    ]);
  });
});
