import { afterEach, describe, expect, it } from 'vitest';
import { dataUri, type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

describe('the history bound', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  /** An imagine and `edits` thread messages; returns the replies of the edits. */
  async function thread(edits: string[]) {
    const first = onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'result');
    await harness.app.brain.linkResult(first.jobId ?? '', { threadKey: 'console:long' });
    const context = harness.context({ threadId: 'console:long' });
    const replies = [];
    for (const text of edits)
      replies.push(onlyReply(await harness.app.brain.threadMessage(text, [], context), 'result'));
    return replies;
  }
  const user = (text: string) => ({ role: 'user', parts: [{ text }] });
  const model = (index: number) => ({
    role: 'model',
    parts: [{ image: dataUri(harness.fake.images[index]) }],
  });

  it.each(['4', '5'])(
    'with HISTORY_TURNS=%s sends only the last turns, starting on a user turn, and says so',
    async (turns) => {
      harness = await startHarness({ env: { HISTORY_TURNS: turns } });
      const [hat, night, snow] = await thread(['give it a hat', 'now at night', 'add snow']);
      const [, hatBody, nightBody, snowBody] = harness.bodies();
      expect(hatBody?.contents).toStrictEqual([user('a red fox'), model(0), user('give it a hat')]);
      expect(nightBody?.contents).toStrictEqual([
        user('a red fox'),
        model(0),
        user('give it a hat'),
        model(1),
        user('now at night'),
      ]);
      expect(snowBody?.contents).toStrictEqual([
        user('give it a hat'),
        model(1),
        user('now at night'),
        model(2),
        user('add snow'),
      ]);
      expect(hat?.footnote).toBeUndefined();
      expect(night?.footnote).toBeUndefined();
      expect(snow?.footnote).toBe(
        '⚠ The 2 oldest turn(s) of this thread were left out; the last 4 were sent.',
      );
      expect(snow?.images[0]?.bytes).toEqual(harness.fake.images[3]);
    },
  );
});
