import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../support/until.js';
import { imagineResult, nextEventId, type SlackHarness, startSlackHarness } from './slack-harness.js';

const reaction = (type: 'reaction_added' | 'reaction_removed', name: string, ts: string) => ({
  type,
  user: 'U0USER',
  reaction: name,
  item: { type: 'message', channel: 'C0001', ts },
  item_user: 'U0BOT',
  event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
});

describe('⭐ reactions in Slack', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('marks a result a favourite on the team board, and unmarks it when the ⭐ is taken away', async () => {
    const result = await imagineResult(harness, 'a kite over the dunes');
    const board = harness.app.services.board;
    expect((await board?.get(result.jobId))?.messageUrl).toBe(
      `https://slack.com/archives/C0001/p${result.ts.replace('.', '')}`,
    );
    expect((await harness.event(reaction('reaction_added', '+1', result.ts), nextEventId())).status).toBe(
      200,
    );
    const added = await harness.event(reaction('reaction_added', 'star', result.ts), nextEventId());
    expect(added.status).toBe(200);
    await until(async () => {
      const channelId = (await board?.get(result.jobId))?.channelId ?? '';
      return ((await board?.list(channelId, { favouritesOnly: true }, {}))?.entries.length ?? 0) > 0;
    }, 'the favourite');
    expect(await board?.favourites(result.jobId)).toMatchObject([
      { image: 1, by: expect.stringMatching(/^slack:.*\/U0USER$/) },
    ]);
    const listed = await board?.list(
      (await board.get(result.jobId))?.channelId ?? '',
      { favouritesOnly: true },
      {},
    );
    expect(listed?.entries.map((entry) => entry.jobId)).toEqual([result.jobId]);

    await harness.event(reaction('reaction_removed', 'star', result.ts), nextEventId());
    await until(
      async () => ((await board?.favourites(result.jobId)) ?? []).length === 0,
      'the favourite gone',
    );
  });
});
