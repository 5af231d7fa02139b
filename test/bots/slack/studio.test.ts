import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../fakes/slack/index.js';
import { dataUri } from '../../support/bot-harness.js';
import { imagineResult, type SlackHarness, startSlackHarness } from './slack-harness.js';

interface ActionsBlock {
  type: 'actions';
  block_id: string;
  elements: { action_id: string; value: string; text: { text: string } }[];
}

const isActions = (block: unknown): block is ActionsBlock =>
  typeof block === 'object' && block !== null && Reflect.get(block, 'type') === 'actions';

describe('per-image buttons on Slack', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  const imageOf = async (jobId: string, number: number) => {
    const job = await harness.app.services.jobs.get(jobId);
    const stored = await harness.app.services.blobs.getImage(job?.resultImages[number - 1]?.hash ?? '');
    if (!stored) throw new Error(`no image ${number}`);
    return stored.bytes;
  };
  const shown = (text: string) => () => JSON.stringify(harness.slack.messages()).includes(text);

  it('shows four images with U1–U4, V1–V4 and the actions within Slack block limits', async () => {
    const first = await imagineResult(harness, 'a red fox --model gpt-image --n 4');
    const message = harness.slack.messages().find((candidate) => candidate.ts === first.ts);
    const actions = (message?.blocks ?? []).filter(isActions);
    expect(actions.map((block) => block.elements.map((element) => element.text.text))).toStrictEqual([
      ['U1', 'U2', 'U3', 'U4'],
      ['V1', 'V2', 'V3', 'V4'],
      ['🎲 Re-roll', '✏ Edit', '🗑 Delete'],
    ]);
    expect(actions.every((block) => block.elements.length <= 25)).toBe(true);
    const blockIds = actions.map((block) => block.block_id);
    expect(new Set(blockIds).size).toBe(blockIds.length);
    const elements = actions.flatMap((block) => block.elements);
    const actionIds = elements.map((element) => element.action_id);
    expect(new Set(actionIds).size).toBe(actionIds.length);
    expect(actionIds.slice(0, 2)).toStrictEqual(['imagine:upscale:1', 'imagine:upscale:2']);
    expect(elements.every((element) => element.value === first.jobId && element.value.length <= 2000)).toBe(
      true,
    );
  });

  it('V3 sends image 3 as the input of four variations, and the caption says which image', async () => {
    const first = await imagineResult(harness, 'a red fox --model gpt-image --n 4');
    const third = await imageOf(first.jobId, 3);
    await harness.press({ actionId: 'imagine:variations:3', value: first.jobId, messageTs: first.ts });
    await waitFor(shown('variation of image 3 of “a red fox”'), 'the variations');
    expect(harness.imageBodies()[1]).toStrictEqual({
      model: 'gpt-image-1',
      prompt: 'Make a variation of this image: same subject and style, new details. (a red fox)',
      size: '1024x1024',
      n: 4,
      image: dataUri(third),
    });
  });

  it('U2 on GPT Image enlarges image 2 here: nothing is sent upstream, the image is twice the size', async () => {
    const first = await imagineResult(harness, 'a red fox --model gpt-image --n 4');
    const second = await sharp(await imageOf(first.jobId, 2)).metadata();
    const sharedBefore = harness.slack.shared.length;
    await harness.press({ actionId: 'imagine:upscale:2', value: first.jobId, messageTs: first.ts });
    await waitFor(
      shown('upscale of image 2 of “a red fox” · local 2× enlargement, no model call'),
      'the local enlargement',
    );
    await waitFor(() => harness.slack.shared.length > sharedBefore, 'the enlarged image');
    expect(harness.imageBodies()).toHaveLength(1);
    const enlarged = await sharp(harness.slack.shared.at(-1)?.bytes).metadata();
    expect([enlarged.width, enlarged.height]).toStrictEqual([
      (second.width ?? 0) * 2,
      (second.height ?? 0) * 2,
    ]);
  });

  it('answers a forged image number with the valid range', async () => {
    const first = await imagineResult(harness, 'a red fox --model gpt-image --n 2');
    await harness.press({ actionId: 'imagine:upscale:7', value: first.jobId, messageTs: first.ts });
    const [refusal] = await waitFor(
      () =>
        harness.slack.calls('chat.postEphemeral').length === 1 && harness.slack.calls('chat.postEphemeral'),
      'the refusal',
    );
    expect(refusal?.params.text).toBe('There is no image 7: this result has images 1 to 2.');
    expect(harness.imageBodies()).toHaveLength(1);
  });
});
