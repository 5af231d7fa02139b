import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeRequest } from '../../../src/bots/discord/client.js';
import {
  applicationId,
  discordErrors,
  type FakeDiscord,
  generalChannelId,
  guildId,
  secondGuildChannelId,
  secondGuildId,
  startFakeDiscord,
} from './index.js';

const user = { id: '1400000000000000001', username: 'alice' };

describe('the fake Discord', () => {
  let discord: FakeDiscord;
  let rest: REST;
  beforeEach(async () => {
    discord = await startFakeDiscord();
    rest = new REST({ api: discord.apiUrl, makeRequest }).setToken('token-for-the-fake');
  });
  afterEach(async () => {
    await discord.close();
  });

  it('records URL-decoded paths and answers like Discord', async () => {
    const gateway = await openGateway(discord);
    const message = discord.userMessage({ author: user, channelId: generalChannelId, content: 'hi' });
    await rest.put(Routes.channelMessageOwnReaction(generalChannelId, message.id, encodeURIComponent('⌛')));
    expect(discord.records.at(-1)).toMatchObject({
      method: 'PUT',
      path: `/channels/${generalChannelId}/messages/${message.id}/reactions/⌛/@me`,
      status: 204,
      authorization: 'Bot token-for-the-fake',
    });
    await expect(
      rest.get(Routes.channelMessage(generalChannelId, '1600000000000009999')),
    ).rejects.toMatchObject({
      status: 404,
      code: 10008,
    });
    gateway.close();
  });

  it('answers a bounded number of 429s with Retry-After, then the real answer', async () => {
    discord.fault({ path: '/gateway/bot', status: 429, retryAfterSeconds: 0.05, times: 2 });
    const answer = await rest.get(Routes.gatewayBot());
    expect(answer).toMatchObject({ url: `${discord.url.replace('http', 'ws')}/gateway`, shards: 1 });
    expect(discord.records.map((record) => record.status)).toStrictEqual([429, 429, 200]);
  });

  it('serves attachments from /cdn/ and refuses a second interaction callback with 40060', async () => {
    const gateway = await openGateway(discord);
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const message = discord.userMessage({
      author: user,
      channelId: generalChannelId,
      attachments: [{ name: 'a.png', bytes, contentType: 'image/png' }],
    });
    const url = message.attachments[0]?.url ?? '';
    expect(url.startsWith(`${discord.url}/cdn/`)).toBe(true);
    const download = await fetch(url);
    expect(Buffer.from(await download.arrayBuffer())).toStrictEqual(bytes);
    expect(download.headers.get('content-type')).toBe('image/png');

    const sent = discord.slashCommand({ name: 'usage', user });
    const callback = Routes.interactionCallback(sent.id, sent.token);
    await rest.post(callback, { body: { type: 5 }, auth: false });
    const second = rest.post(callback, { body: { type: 5 }, auth: false });
    await expect(second).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(second).rejects.toMatchObject({ code: 40060 });
    discord.fault({ path: `/webhooks/${applicationId}/`, ...discordErrors.invalidWebhookToken });
    await expect(
      rest.patch(Routes.webhookMessage(applicationId, sent.token), { body: {}, auth: false }),
    ).rejects.toMatchObject({ code: 50027 });
    gateway.close();
  });

  it('speaks the gateway: HELLO, heartbeat ACK, READY and GUILD_CREATE after IDENTIFY, then dispatches', async () => {
    const gateway = await openGateway(discord);
    const frames = gateway.frames;
    expect(frames.map((frame) => frame.t ?? `op${frame.op}`)).toStrictEqual([
      'op10',
      'READY',
      'GUILD_CREATE',
    ]);
    gateway.socket.send(JSON.stringify({ op: 1, d: 2 }));
    await gateway.until((frame) => frame.op === 11);
    discord.userMessage({ author: user, channelId: generalChannelId, content: 'hello' });
    await gateway.until((frame) => frame.t === 'MESSAGE_CREATE');
    expect(discord.identifies).toStrictEqual([{ token: 'token', intents: 513 }]);
    gateway.close();
  });

  it('shards like Discord: each connection is told of and sent the events of its guilds only, DMs on shard 0', async () => {
    discord.world.shards = 2;
    discord.world.addGuild(secondGuildId, 'Second', { [secondGuildChannelId]: 'lobby' });
    expect(await rest.get(Routes.gatewayBot())).toMatchObject({ shards: 2 });
    const shard0 = await openGateway(discord, [0, 2]);
    const shard1 = await openGateway(discord, [1, 2]);
    expect(discord.identifies.map((identify) => identify.shard)).toStrictEqual([
      [0, 2],
      [1, 2],
    ]);

    discord.userMessage({ author: user, channelId: generalChannelId, content: 'in the first guild' });
    discord.userMessage({ author: user, channelId: secondGuildChannelId, content: 'in the second' });
    discord.dispatch('MESSAGE_CREATE', { id: '1500000000000000999', channel_id: '1300000000000000999' });
    await shard0.until((frame) => frame.t === 'MESSAGE_CREATE');
    await shard1.until((frame) => frame.t === 'MESSAGE_CREATE');

    // (guildId >> 22) % 2 = 1, (secondGuildId >> 22) % 2 = 0.
    expect(
      discord.deliveries.map(({ session, type, guildId }) => ({ session, type, guildId })),
    ).toStrictEqual([
      { session: 1, type: 'READY', guildId: undefined },
      { session: 1, type: 'GUILD_CREATE', guildId: secondGuildId },
      { session: 2, type: 'READY', guildId: undefined },
      { session: 2, type: 'GUILD_CREATE', guildId },
      { session: 2, type: 'MESSAGE_CREATE', guildId },
      { session: 1, type: 'MESSAGE_CREATE', guildId: secondGuildId },
      { session: 1, type: 'MESSAGE_CREATE', guildId: undefined },
    ]);
    shard0.close();
    shard1.close();
  });
});

interface Frame {
  op: number;
  t?: string;
}

/** A bare gateway client: connects, identifies, collects frames. */
async function openGateway(discord: FakeDiscord, shard?: [number, number]) {
  const socket = new WebSocket(`${discord.url.replace('http', 'ws')}/gateway?v=10&encoding=json`);
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    const parsed: unknown = JSON.parse(String(data));
    if (typeof parsed === 'object' && parsed !== null && 'op' in parsed && typeof parsed.op === 'number') {
      frames.push({ op: parsed.op, ...('t' in parsed && typeof parsed.t === 'string' && { t: parsed.t }) });
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const until = async (predicate: (frame: Frame) => boolean) => {
    while (!frames.some(predicate)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ op: 2, d: { token: 'token', intents: 513, properties: {}, shard } }));
  await until((frame) => frame.t === 'GUILD_CREATE');
  return { socket, frames, until, close: () => socket.close() };
}
