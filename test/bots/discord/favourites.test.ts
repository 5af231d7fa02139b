import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generalChannelId, guildId } from '../../fakes/discord/index.js';
import { until } from '../../support/until.js';
import {
  alice,
  bodyOf,
  customIds,
  type DiscordHarness,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

describe('⭐ reactions on Discord', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('marks a result a favourite on the team board from the gateway’s reaction events, and unmarks it', async () => {
    const { discord } = harness;
    const sent = discord.slashCommand({ name: 'imagine', user: alice, options: { prompt: 'a paper boat' } });
    const answer = await waitForAnswer(harness, sent);
    await harness.app.jobDelivery.idle();
    const jobId = customIds(bodyOf(answer))[0]?.split(':')[2] ?? '';
    const messageId = discord.world.originals.get(sent.token) ?? '';
    const board = harness.app.services.board;
    expect((await board?.get(jobId))?.messageUrl).toBe(
      `https://discord.com/channels/${guildId}/${generalChannelId}/${messageId}`,
    );
    const reaction = (type: string, emoji: string) =>
      discord.dispatch(type, {
        user_id: alice.id,
        channel_id: generalChannelId,
        message_id: messageId,
        guild_id: guildId,
        emoji: { id: null, name: emoji },
      });
    reaction('MESSAGE_REACTION_ADD', '👍');
    reaction('MESSAGE_REACTION_ADD', '⭐');
    await until(async () => ((await board?.favourites(jobId)) ?? []).length > 0, 'the favourite');
    expect(await board?.favourites(jobId)).toMatchObject([{ image: 1, by: `discord:${alice.id}` }]);
    reaction('MESSAGE_REACTION_REMOVE', '⭐');
    await until(async () => ((await board?.favourites(jobId)) ?? []).length === 0, 'the favourite gone');
  });
});
