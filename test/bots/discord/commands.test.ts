import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../src/bots/discord/index.js';
import { runRegister } from '../../../src/cli/register-command.js';
import { solidPng } from '../../dev/fake-image-api-helpers.js';
import {
  adminRoleId,
  applicationId,
  type DiscordRecord,
  generalChannelId,
  guildId,
  type SentInteraction,
  startFakeDiscord,
} from '../../fakes/discord/index.js';
import { dataUri } from '../../support/bot-harness.js';
import {
  alice,
  bob,
  bodyOf,
  callbackPath,
  customIds,
  type DiscordHarness,
  discordToken,
  generationBodies,
  imageKey,
  startDiscordHarness,
  waitForAnswer,
  waitForGeneration,
} from './discord-harness.js';

const callbackOf = (harness: DiscordHarness, sent: SentInteraction) =>
  harness.discord.waitFor('the callback', (record) => record.path === callbackPath(sent));

/** Runs a slash command and returns its answer's text. */
async function ask(
  harness: DiscordHarness,
  name: string,
  options: Record<string, string | number> = {},
  user = alice,
) {
  const sent = harness.discord.slashCommand({ name, user, options });
  const answer = await waitForAnswer(harness, sent);
  return { sent, answer, text: bodyOf(answer).content ?? '' };
}

describe('the other slash commands on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness({ env: { DISCORD_ADMIN_ROLES: adminRoleId } });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('answers /models, /usage and /help privately', async () => {
    const models = await ask(harness, 'models');
    expect((await callbackOf(harness, models.sent)).body).toStrictEqual({ type: 5, data: { flags: 64 } });
    expect(models.text).toMatch(/^Models \(use --model NAME\):\n• Nano Banana/);
    const usage = await ask(harness, 'usage');
    expect(usage.text).toBe('Today: you 0 of 100 (100 left); this channel 0 (no limit).');
    const help = await ask(harness, 'help', { command: 'compare' });
    expect(help.text).toMatch(/^compare: One prompt on several models at once/);
  });

  it('saves /settings for the user, and for the channel only for admin roles', async () => {
    const { images } = harness;
    const saved = await ask(harness, 'settings', { action: 'set', model: 'gpt-image', size: '1536x1024' });
    expect(saved.text).toBe('Saved for you: model = gpt-image-1, size = 1536x1024.');
    await ask(harness, 'imagine', { prompt: 'a kite' });
    expect(generationBodies(images)[0]).toMatchObject({ model: 'gpt-image-1', size: '1536x1024' });

    const refused = await ask(
      harness,
      'settings',
      { action: 'set', scope: 'channel', style: 'flat pastel' },
      bob,
    );
    expect(refused.text).toBe(
      'Only admins can change this channel’s settings. Leave out --channel to change your own.',
    );
    const admin = { ...bob, roles: [adminRoleId] };
    const channel = await ask(
      harness,
      'settings',
      { action: 'set', scope: 'channel', style: 'flat pastel' },
      admin,
    );
    expect(channel.text).toBe('Saved for this channel: style = flat pastel.');
  });

  it('cancels the latest request with /cancel; the request says it was cancelled', async () => {
    const { discord, images } = harness;
    images.fault({ kind: 'hang' });
    const imagine = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'slow' } });
    await waitForGeneration(harness, 1);
    expect((await ask(harness, 'cancel')).text).toBe('Cancelled your latest request.');
    expect(bodyOf(await waitForAnswer(harness, imagine)).content).toBe('❌ Cancelled.');
    expect((await ask(harness, 'cancel')).text).toBe('You have nothing queued or running.');
  });

  it('posts one /compare result per model, each with its own buttons', async () => {
    const { discord, images } = harness;
    const sent = discord.slashCommand({
      name: 'compare',
      user: alice,
      options: { prompt: 'a logo', models: 'nano-banana,gpt-image' },
    });
    const first = await waitForAnswer(harness, sent);
    const followUp = await discord.waitFor(
      'the follow-up',
      (record) => record.method === 'POST' && record.path === `/webhooks/${applicationId}/${sent.token}`,
    );
    await harness.bot.idle();
    expect(followUp.query).toStrictEqual({ wait: 'true' });
    expect(
      generationBodies(images)
        .map((body) => body.model)
        .sort(),
    ).toStrictEqual(['gemini-2.5-flash-image', 'gpt-image-1']);
    expect(bodyOf(first).content).toMatch(/^\*\*Nano Banana \(Gemini 2\.5 Flash Image\)\*\* — “a logo”/);
    expect(bodyOf(followUp).content).toMatch(/^\*\*GPT Image 1\*\* — “a logo”/);
    // The two calls run in parallel, so the fake's answers are recorded in whichever order they finished.
    const posted = [...first.files, ...followUp.files].map((file) => file.bytes);
    expect(posted).toHaveLength(2);
    expect([...posted].sort(Buffer.compare)).toStrictEqual([...images.images].sort(Buffer.compare));
    expect(customIds(bodyOf(followUp))[0]).toMatch(/^imagine:pick:/);
  });
});

describe('"Edit with imagine" on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('opens a modal on a message with an image and edits that image with the text', async () => {
    const { discord, images } = harness;
    const photo = await solidPng('#336699');
    const message = discord.userMessage({
      author: bob,
      channelId: generalChannelId,
      attachments: [{ name: 'photo.png', bytes: photo, contentType: 'image/png' }],
    });
    const command = discord.messageCommand({
      name: 'Edit with imagine',
      targetMessageId: message.id,
      user: alice,
    });
    const modal = await callbackOf(harness, command);
    expect(modal.body).toMatchObject({
      type: 9,
      data: {
        custom_id: `imagine-modal:message:${generalChannelId}:${message.id}`,
        title: 'Edit with imagine',
      },
    });
    const submit = discord.submitModal({
      customId: `imagine-modal:message:${generalChannelId}:${message.id}`,
      fields: { instruction: 'make it sepia' },
      user: alice,
    });
    const answer = await waitForAnswer(harness, submit);
    expect(generationBodies(images)[0]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'make it sepia' }, { image: dataUri(photo) }] },
    ]);
    expect(answer.files.map((file) => file.bytes)).toStrictEqual([images.images[0]]);
  });

  it('says so, privately, for a message without an image', async () => {
    const { discord } = harness;
    const message = discord.userMessage({ author: bob, channelId: generalChannelId, content: 'just words' });
    const command = discord.messageCommand({
      name: 'Edit with imagine',
      targetMessageId: message.id,
      user: alice,
    });
    expect((await callbackOf(harness, command)).body).toMatchObject({
      type: 4,
      data: { content: 'That message has no image to edit.', flags: 64 },
    });
  });
});

describe('imagine-bot register discord', () => {
  // No IMAGE_API_KEY: registering talks to Discord alone.
  const env = (apiUrl: string, extra: Record<string, string> = {}) => ({
    DISCORD_TOKEN: discordToken,
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_API_URL: apiUrl,
    ...extra,
  });
  const io = (environment: NodeJS.ProcessEnv, out: string[]) => ({
    stdout: (text: string) => void out.push(text),
    stderr: (text: string) => void out.push(text),
    log: () => undefined,
    env: environment,
    now: () => new Date(),
    onInterrupt: () => () => undefined,
  });

  it('PUTs the command list to the guild when DISCORD_GUILD_ID is set, else globally', async () => {
    const discord = await startFakeDiscord();
    try {
      const out: string[] = [];
      expect(
        await runRegister(['discord'], io(env(discord.apiUrl, { DISCORD_GUILD_ID: guildId }), out)),
      ).toBe(0);
      expect(await runRegister(['discord'], io(env(discord.apiUrl), out))).toBe(0);
      const puts: DiscordRecord[] = discord.records.filter((record) => record.method === 'PUT');
      expect(puts.map((record) => record.path)).toStrictEqual([
        `/applications/${applicationId}/guilds/${guildId}/commands`,
        `/applications/${applicationId}/commands`,
      ]);
      expect(puts[0]?.body).toStrictEqual(JSON.parse(JSON.stringify(commandDefinitions)));
      expect(puts[0]?.authorization).toBe(`Bot ${discordToken}`);
      expect(out[0]).toBe(
        `Registered 9 Discord commands in server ${guildId} (they appear at once): imagine, compare, models, settings, usage, cancel, board, help, Edit with imagine\n`,
      );
      expect(out[1]).toMatch(/^Registered 9 Discord commands globally/);
    } finally {
      await discord.close();
    }
  });

  it('refuses anything but discord, and a missing token, with one clear line', async () => {
    await expect(runRegister(['slack'], io({}, []))).rejects.toThrow(/Usage: imagine-bot register discord/);
    await expect(runRegister(['discord'], io({ IMAGE_API_KEY: imageKey }, []))).rejects.toThrow(
      'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the Discord commands.',
    );
    await expect(runRegister(['discord'], io({ DISCORD_TOKEN: discordToken }, []))).rejects.toThrow(
      'DISCORD_APPLICATION_ID is missing (Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID).',
    );
  });

  it('names the URL it could not reach instead of "fetch failed"', async () => {
    const route = `/v10/applications/${applicationId}/commands`;
    await expect(runRegister(['discord'], io(env('http://127.0.0.1:1/api'), []))).rejects.toThrow(
      `could not reach http://127.0.0.1:1/api${route} (bad port); check DISCORD_API_URL.`,
    );
  });
});
