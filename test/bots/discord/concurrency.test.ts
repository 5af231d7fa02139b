import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bodyOf,
  callbackPath,
  type DiscordHarness,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

describe('many users at once on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness({ env: { IMAGE_API_CONCURRENCY: '4' } });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('defers all of 20 concurrent /imagine before their model calls, and answers every one', async () => {
    const { discord, images } = harness;
    const sent = Array.from({ length: 20 }, (_, index) =>
      discord.slashCommand({
        name: 'imagine',
        user: { id: `14000000000000010${String(index).padStart(2, '0')}`, username: `user${index}` },
        options: { prompt: `picture ${index}` },
      }),
    );
    const answers = await Promise.all(sent.map((interaction) => waitForAnswer(harness, interaction)));
    await harness.bot.idle();

    const generations = images.requests.filter((request) => request.path === '/v1/images/generations');
    expect(generations).toHaveLength(20);
    for (const [index, interaction] of sent.entries()) {
      const callback = discord.records.find((record) => record.path === callbackPath(interaction));
      expect(callback?.body).toStrictEqual({ type: 5, data: { flags: 0 } });
      const generation = generations.find((request) =>
        JSON.stringify(request.body).includes(`"picture ${index}"`),
      );
      expect(callback?.at, `picture ${index}`).toBeLessThanOrEqual(generation?.at ?? 0);
      expect(callback?.sequence).toBeLessThan(answers[index]?.sequence ?? 0);
      expect(bodyOf(answers[index]).content).toMatch(new RegExp(`^“picture ${index}”\\n-# `));
      expect(answers[index]?.files).toHaveLength(1);
    }
    // Each answer carries its own job's image: twenty distinct uploads, all of them the fake's.
    const uploaded = answers.map((answer) => answer.files[0]?.bytes.toString('base64'));
    expect(new Set(uploaded).size).toBe(20);
    expect(new Set(uploaded)).toStrictEqual(new Set(images.images.map((image) => image.toString('base64'))));
    expect(discord.records.filter((record) => record.path.endsWith('/threads'))).toHaveLength(20);
  });
});
