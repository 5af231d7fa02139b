import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, generalChannelId, startFakeDiscord } from './index.js';

const started: FakeDiscord[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((discord) => discord.close()));
});

/** Posts `count` channel messages with bare HTTP (no REST client retries); each answer's status and headers. */
async function postMessages(discord: FakeDiscord, count: number) {
  const answers: { status: number; headers: Headers; body: unknown }[] = [];
  for (let sent = 0; sent < count; sent += 1) {
    const response = await fetch(`${discord.apiUrl}/v10/channels/${generalChannelId}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bot token-for-the-fake', 'content-type': 'application/json' },
      body: JSON.stringify({ content: `message ${sent}` }),
    });
    answers.push({ status: response.status, headers: response.headers, body: await response.json() });
  }
  return answers;
}

describe('chaos mode of the fake Discord', () => {
  it('fails about its rate of REST calls with 429s and 5xx that post nothing, the same way for the same seed', async () => {
    const chaos = { rate: 0.1, seed: 11, retryAfterSeconds: 0.25 };
    const discord = await startFakeDiscord();
    started.push(discord);
    discord.setChaos(chaos);
    const answers = await postMessages(discord, 300);
    const failed = answers.filter((answer) => answer.status !== 200);
    expect(failed.length).toBeGreaterThan(15);
    expect(failed.length).toBeLessThan(50);
    expect(new Set(failed.map((answer) => answer.status))).toStrictEqual(new Set([429, 500, 502, 503]));
    for (const limited of failed.filter((answer) => answer.status === 429)) {
      expect(limited.headers.get('retry-after')).toBe('0.25');
      expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
      expect(limited.body).toMatchObject({ retry_after: 0.25, global: false });
    }
    // The records show each answer; a failed call created no message.
    expect(discord.records.map((record) => record.status)).toStrictEqual(
      answers.map((answer) => answer.status),
    );
    const created = [...discord.world.messages.values()].filter(
      (message) => message.channel_id === generalChannelId,
    );
    expect(created).toHaveLength(300 - failed.length);
    expect(discord.chaosStats()?.draws).toBe(300);

    const replay = await startFakeDiscord({ chaos });
    started.push(replay);
    const replayed = await postMessages(replay, 300);
    expect(replayed.map((answer) => answer.status)).toStrictEqual(answers.map((answer) => answer.status));
  });

  it('stops when set to undefined', async () => {
    const discord = await startFakeDiscord({ chaos: { rate: 1, seed: 3, statuses: [503] } });
    started.push(discord);
    expect((await postMessages(discord, 1))[0]?.status).toBe(503);
    discord.setChaos(undefined);
    expect((await postMessages(discord, 1))[0]?.status).toBe(200);
    expect(discord.chaosStats()).toBeUndefined();
  });
});
