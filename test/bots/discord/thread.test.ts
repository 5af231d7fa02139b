import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { solidPng } from '../../dev/fake-image-api-helpers.js';
import { botUser, type DiscordRecord, generalChannelId } from '../../fakes/discord/index.js';
import { dataUri } from '../../support/bot-harness.js';
import {
  alice,
  bob,
  bodyOf,
  type DiscordHarness,
  generationBodies,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

/** Runs /imagine and returns the result message's id (also its thread's id). */
async function imagine(harness: DiscordHarness, prompt: string): Promise<string> {
  const sent = harness.discord.slashCommand({ name: 'imagine', user: alice, options: { prompt } });
  await waitForAnswer(harness, sent);
  await harness.discord.waitFor('the thread', (record) => record.path.endsWith('/threads'));
  await harness.bot.idle();
  return harness.discord.world.originals.get(sent.token) ?? '';
}

const reactions = (harness: DiscordHarness, messageId: string) =>
  harness.discord.records
    .filter((record) => record.path.includes(`/messages/${messageId}/reactions/`))
    .map((record) => `${record.method} ${record.path.split('/reactions/')[1]}`);

const postsIn = (harness: DiscordHarness, channelId: string): DiscordRecord[] =>
  harness.discord.records.filter(
    (record) => record.method === 'POST' && record.path === `/channels/${channelId}/messages`,
  );

/** Waits until the bot has reacted ✅ or ❌ to a message, i.e. finished with it. */
async function finished(harness: DiscordHarness, messageId: string): Promise<void> {
  await harness.discord.waitFor(
    'the final reaction',
    (record) => /\/reactions\/(✅|❌)\/@me$/.test(record.path) && record.path.includes(messageId),
  );
  await harness.bot.idle();
}

describe('replies in a result thread on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('edits with Gemini using the whole thread as history and posts the result in the thread', async () => {
    const { discord, images } = harness;
    const threadId = await imagine(harness, 'a red fox');
    const hat = await solidPng('#123456');
    const message = discord.userMessage({
      author: alice,
      channelId: threadId,
      content: 'give it this hat',
      attachments: [{ name: 'hat.png', bytes: hat, contentType: 'image/png' }],
    });
    await finished(harness, message.id);

    expect(generationBodies(images)[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a red fox' }] },
      { role: 'model', parts: [{ image: dataUri(images.images[0]) }] },
      { role: 'user', parts: [{ text: 'give it this hat' }, { image: dataUri(hat) }] },
    ]);
    const [posted] = postsIn(harness, threadId);
    expect(posted?.files.map((file) => file.bytes)).toStrictEqual([images.images[1]]);
    expect(bodyOf(posted).content).toMatch(/^“give it this hat”\n-# /);
    expect(posted?.body).toMatchObject({
      message_reference: { message_id: message.id },
      allowed_mentions: { parse: [], replied_user: false },
    });
    expect(reactions(harness, message.id)).toStrictEqual(['PUT ⌛/@me', 'DELETE ⌛/@me', 'PUT ✅/@me']);
    const hourglass = discord.records.find((record) => record.path.endsWith('/reactions/⌛/@me'));
    const typing = discord.records.find((record) => record.path === `/channels/${threadId}/typing`);
    const edit = images.requests.filter((request) => request.path === '/v1/images/generations')[1];
    expect(hourglass?.at).toBeLessThanOrEqual(edit?.at ?? 0);
    expect(typing?.at).toBeLessThanOrEqual(edit?.at ?? 0);

    // A second reply continues the same conversation.
    const again = discord.userMessage({ author: bob, channelId: threadId, content: 'now at night' });
    await finished(harness, again.id);
    expect(generationBodies(images)[2]?.contents).toHaveLength(5);
  });

  it('gives other models the latest image and posts ❌ with the reason when the edit fails', async () => {
    const { discord, images } = harness;
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'a lighthouse', model: 'gpt-image' },
    });
    await waitForAnswer(harness, sent);
    await discord.waitFor('the thread', (record) => record.path.endsWith('/threads'));
    await harness.bot.idle();
    const threadId = discord.world.originals.get(sent.token) ?? '';

    const first = discord.userMessage({ author: alice, channelId: threadId, content: 'make it red' });
    await finished(harness, first.id);
    expect(generationBodies(images)[1]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'make it red',
      size: '1024x1024',
      n: 1,
      image: dataUri(images.images[0]),
    });

    images.fault({ kind: 'content_policy', style: 'openai' });
    const refused = discord.userMessage({ author: alice, channelId: threadId, content: 'something unsafe' });
    await finished(harness, refused.id);
    expect(reactions(harness, refused.id)).toStrictEqual(['PUT ⌛/@me', 'DELETE ⌛/@me', 'PUT ❌/@me']);
    const errorPost = postsIn(harness, threadId).at(-1);
    expect(bodyOf(errorPost).content).toBe(
      '❌ The image service blocked this request as unsafe content. Rephrase the prompt, or try another model with --model.',
    );
  });

  it('edits from a result when someone uses Discord’s reply on it in the channel', async () => {
    const { discord, images } = harness;
    const resultId = await imagine(harness, 'a cabin');
    const reply = discord.userMessage({
      author: bob,
      channelId: generalChannelId,
      content: 'add snow',
      replyTo: resultId,
    });
    await finished(harness, reply.id);
    expect(generationBodies(images)[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'a cabin' }] },
      { role: 'model', parts: [{ image: dataUri(images.images[0]) }] },
      { role: 'user', parts: [{ text: 'add snow' }] },
    ]);
    const posted = postsIn(harness, generalChannelId).at(-1);
    expect(posted?.files.map((file) => file.bytes)).toStrictEqual([images.images[1]]);
    expect(posted?.body).toMatchObject({ message_reference: { message_id: reply.id } });
  });

  it('ignores bots, threads that are not ours and plain channel messages', async () => {
    const { discord, images } = harness;
    const threadId = await imagine(harness, 'a boat');
    const before = discord.records.length;
    discord.userMessage({ author: botUser, channelId: threadId, content: 'I am the bot' });
    discord.userMessage({
      author: { id: '1400000000000000077', username: 'other-bot', bot: true },
      channelId: threadId,
      content: 'beep',
    });
    const foreign = discord.userThread({ parentId: generalChannelId, name: 'chat', owner: bob });
    discord.userMessage({ author: bob, channelId: foreign, content: 'hello there' });
    discord.userMessage({ author: bob, channelId: generalChannelId, content: 'lunch?' });
    // A message we do answer, sent last: once it is done, the ones before were seen and ignored.
    const last = discord.userMessage({ author: alice, channelId: threadId, content: 'make it green' });
    await finished(harness, last.id);
    const touched = discord.records.slice(before).filter((record) => !record.path.includes(threadId));
    expect(touched).toStrictEqual([]);
    expect(generationBodies(images)).toHaveLength(2);
  });

  it('takes a mention in a channel as a prompt, and a mentioning reply to anyone’s image as an edit of it', async () => {
    const { discord, images } = harness;
    const mention = discord.userMessage({
      author: alice,
      channelId: generalChannelId,
      content: `<@${botUser.id}> a paper crane`,
      mentionsBot: true,
    });
    await finished(harness, mention.id);
    expect(generationBodies(images)[0]).toMatchObject({ prompt: 'a paper crane' });
    const [result] = postsIn(harness, generalChannelId);
    expect(result?.files.map((file) => file.bytes)).toStrictEqual([images.images[0]]);
    expect(discord.records.filter((record) => record.path.endsWith('/threads'))).toHaveLength(1);

    const photo = await solidPng('#884422');
    const theirs = discord.userMessage({
      author: bob,
      channelId: generalChannelId,
      attachments: [{ name: 'photo.png', bytes: photo, contentType: 'image/png' }],
    });
    const reply = discord.userMessage({
      author: alice,
      channelId: generalChannelId,
      content: `<@${botUser.id}> make it a watercolour`,
      mentionsBot: true,
      replyTo: theirs.id,
    });
    await finished(harness, reply.id);
    expect(generationBodies(images)[1]?.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'make it a watercolour' }, { image: dataUri(photo) }] },
    ]);
  });
});
