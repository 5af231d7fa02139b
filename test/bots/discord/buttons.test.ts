import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generalChannelId, type SentInteraction } from '../../fakes/discord/index.js';
import { dataUri } from '../../support/bot-harness.js';
import {
  alice,
  bob,
  bodyOf,
  callbackPath,
  customIds,
  type DiscordHarness,
  generationBodies,
  originalPath,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

async function imagine(
  harness: DiscordHarness,
  prompt: string,
  options: Record<string, string | number> = {},
) {
  const sent = harness.discord.slashCommand({
    name: 'imagine',
    user: alice,
    options: { prompt, ...options },
  });
  const answer = await waitForAnswer(harness, sent);
  await harness.bot.idle();
  const messageId = harness.discord.world.originals.get(sent.token) ?? '';
  const jobId = customIds(bodyOf(answer))[0]?.split(':')[2] ?? '';
  return { messageId, jobId };
}

const callbackOf = (harness: DiscordHarness, sent: SentInteraction) =>
  harness.discord.waitFor('the callback', (record) => record.path === callbackPath(sent));

describe('result buttons on Discord', () => {
  let harness: DiscordHarness;
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'imagine-discord-'));
    harness = await startDiscordHarness({
      env: { STORE_URL: `sqlite://${path.join(directory, 'bot.sqlite')}` },
    });
  });
  afterEach(async () => {
    await harness.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('re-rolls for whoever presses, as their own job, with a new result message and thread', async () => {
    const { discord, images } = harness;
    const result = await imagine(harness, 'a red fox', { model: 'seedream-4', seed: 5 });
    const press = discord.pressButton({
      customId: `imagine:reroll:${result.jobId}`,
      messageId: result.messageId,
      user: bob,
    });
    const answer = await waitForAnswer(harness, press);
    await harness.bot.idle();
    expect((await callbackOf(harness, press)).body).toStrictEqual({ type: 5, data: { flags: 0 } });
    expect(answer.files.map((file) => file.bytes)).toStrictEqual([images.images[1]]);
    expect(generationBodies(images)[1]).toMatchObject({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a red fox',
    });
    const newJob = customIds(bodyOf(answer))[0]?.split(':')[2] ?? '';
    expect(newJob).not.toBe(result.jobId);
    expect((await harness.app.services.jobs.get(newJob))?.requester.id).toBe(`discord:${bob.id}`);
    const newMessage = discord.world.originals.get(press.token);
    expect(discord.world.channels.get(newMessage ?? '')?.type).toBe(11);
  });

  it('opens a modal for the edit button and edits with its text', async () => {
    const { discord, images } = harness;
    const result = await imagine(harness, 'a lighthouse');
    const press = discord.pressButton({
      customId: `imagine:edit:${result.jobId}`,
      messageId: result.messageId,
      user: bob,
    });
    const modal = await callbackOf(harness, press);
    expect(modal.body).toStrictEqual({
      type: 9,
      data: {
        custom_id: `imagine-modal:edit:${result.jobId}`,
        title: 'Edit this image',
        components: [
          {
            type: 18,
            label: 'What should change?',
            component: {
              type: 4,
              custom_id: 'instruction',
              style: 2,
              placeholder: 'make the sky purple --ar 16:9',
              required: true,
              max_length: 4000,
            },
          },
        ],
      },
    });
    const submit = discord.submitModal({
      customId: `imagine-modal:edit:${result.jobId}`,
      fields: { instruction: 'paint it red' },
      user: bob,
      messageId: result.messageId,
    });
    const answer = await waitForAnswer(harness, submit);
    expect(generationBodies(images)[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a lighthouse' }] },
      { role: 'model', parts: [{ image: dataUri(images.images[0]) }] },
      { role: 'user', parts: [{ text: 'paint it red' }] },
    ]);
    expect(answer.files.map((file) => file.bytes)).toStrictEqual([images.images[1]]);
  });

  it('deletes the result only for its requester; others are told why, privately', async () => {
    const { discord } = harness;
    const result = await imagine(harness, 'a boat');
    const refused = discord.pressButton({
      customId: `imagine:delete:${result.jobId}`,
      messageId: result.messageId,
      user: bob,
    });
    const refusal = await waitForAnswer(harness, refused);
    expect((await callbackOf(harness, refused)).body).toStrictEqual({ type: 5, data: { flags: 64 } });
    expect(bodyOf(refusal).content).toBe(
      'Only the person who asked for this image, or an admin, can delete it.',
    );
    expect(discord.world.messages.has(result.messageId)).toBe(true);

    const deleted = discord.pressButton({
      customId: `imagine:delete:${result.jobId}`,
      messageId: result.messageId,
      user: alice,
    });
    const done = await waitForAnswer(harness, deleted);
    expect(bodyOf(done).content).toBe('Deleted.');
    const deletion = discord.records.find(
      (record) => record.method === 'DELETE' && record.path.endsWith(result.messageId),
    );
    expect(deletion?.path).toBe(`/channels/${generalChannelId}/messages/${result.messageId}`);
    expect(deletion?.sequence).toBeLessThan(done.sequence);
    expect(discord.world.messages.has(result.messageId)).toBe(false);
  });

  it('keeps buttons and threads working after a restart (new client, same SQLite file)', async () => {
    const { discord, images } = harness;
    const result = await imagine(harness, 'a castle');
    await harness.restart();
    expect(discord.identifies).toHaveLength(2);

    const press = discord.pressButton({
      customId: `imagine:variations:${result.jobId}`,
      messageId: result.messageId,
      user: bob,
    });
    const answer = await waitForAnswer(harness, press);
    expect(answer.files.map((file) => file.bytes)).toStrictEqual([images.images[1]]);

    // The result's thread came back in GUILD_CREATE: replies in it still edit.
    const reply = discord.userMessage({ author: alice, channelId: result.messageId, content: 'add a moat' });
    await discord.waitFor('the ✅', (record) => record.path.endsWith(`${reply.id}/reactions/✅/@me`));
    expect(generationBodies(images)[2]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a castle' }] },
      { role: 'model', parts: [{ image: dataUri(images.images[0]) }] },
      { role: 'user', parts: [{ text: 'add a moat' }] },
    ]);
  });
});

describe('autocomplete on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('lists models matching what is typed, and the sizes of the chosen model', async () => {
    const { discord } = harness;
    const models = discord.autocomplete({
      name: 'imagine',
      user: alice,
      options: { prompt: 'x', model: 'gpt' },
      focused: 'model',
    });
    expect((await callbackOf(harness, models)).body).toStrictEqual({
      type: 8,
      data: {
        choices: [
          { name: 'GPT Image 1 · text-to-image, edits (16 images)', value: 'gpt-image' },
          { name: 'GPT Image 1 mini · text-to-image, edits (16 images)', value: 'gpt-image-mini' },
        ],
      },
    });
    const sizes = discord.autocomplete({
      name: 'imagine',
      user: alice,
      options: { prompt: 'x', model: 'gpt-image', size: '' },
      focused: 'size',
    });
    expect((await callbackOf(harness, sizes)).body).toStrictEqual({
      type: 8,
      data: {
        choices: [
          { name: '1024x1024 (1:1)', value: '1024x1024' },
          { name: '1536x1024 (3:2)', value: '1536x1024' },
          { name: '1024x1536 (2:3)', value: '1024x1536' },
        ],
      },
    });
    const everything = discord.autocomplete({
      name: 'imagine',
      user: alice,
      options: { model: '' },
      focused: 'model',
    });
    const all = (await callbackOf(harness, everything)).body;
    expect(JSON.stringify(all).match(/"value"/g)?.length).toBeLessThanOrEqual(25);
    expect(originalPath(models)).not.toBe(originalPath(sizes));
  });

  it('offers the sizes of the saved model of the user when no model is typed', async () => {
    const { discord } = harness;
    await harness.app.services.presets.set(
      { kind: 'user', id: `discord:${alice.id}` },
      { model: 'qwen-image-plus' },
    );
    const sizes = discord.autocomplete({
      name: 'imagine',
      user: alice,
      options: { prompt: 'x', size: '' },
      focused: 'size',
    });
    const body = (await callbackOf(harness, sizes)).body;
    expect(JSON.stringify(body)).toContain('"value":"1328x1328"');
    expect(JSON.stringify(body)).not.toContain('16:9');
  });
});
