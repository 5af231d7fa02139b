import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

let harness: Harness;

afterEach(async () => {
  await harness.close();
});

/** The paths of the requests undici creates on this thread while `run` runs. */
async function requestsCreatedHere(run: () => Promise<void>): Promise<string[]> {
  const paths: string[] = [];
  const record = (message: unknown) => {
    paths.push(String((message as { request: { path: string } }).request.path));
  };
  diagnostics.subscribe('undici:request:create', record);
  try {
    await run();
  } finally {
    diagnostics.unsubscribe('undici:request:create', record);
  }
  return paths;
}

describe('the bot’s image client', () => {
  it('makes the image API calls on its own thread, and the result is the image the API sent', async () => {
    harness = await startHarness();
    const created = await requestsCreatedHere(async () => {
      const result = onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'result');
      expect(result.images?.[0]?.bytes).toEqual(harness.fake.images[0]);
    });
    expect(harness.bodies()).toEqual([expect.objectContaining({ prompt: 'a red fox' })]);
    // undici's diagnostics channels are per thread: the bot's own thread created none of the calls.
    expect(created.filter((path) => path.includes('/v1/images/generations'))).toEqual([]);
    expect(harness.logLines.some((line) => line.includes('"msg":"image api call"'))).toBe(true);
  });
});
