import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../fakes/slack/index.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

const markIndex = (harness: SlackHarness, prefix: string) =>
  harness.slack.log.findIndex((entry) => entry.kind === 'mark' && entry.label.startsWith(prefix));
const sorted = (buffers: readonly Buffer[]) => [...buffers].sort(Buffer.compare);

describe('/imagine', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('acks with an ephemeral queued note before calling the image API, then posts the result with buttons and its images in the thread', async () => {
    const ack = await harness.slash('a red fox --model seedream-4 --ar 16:9 --n 2');
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.text)).toEqual({ response_type: 'ephemeral', text: '⏳ Queued…' });
    const { slack } = harness;
    await waitFor(
      () => slack.responses(ack.responseId).some((entry) => entry.body.text === '✅ Done'),
      'done',
    );

    const ackAt = markIndex(harness, 'ack:');
    expect(ackAt).toBeGreaterThan(-1);
    expect(ackAt).toBeLessThan(markIndex(harness, 'image-api:a red fox'));
    // Two parallel calls, each with its own seed (their order of arrival is not fixed).
    const body = {
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a red fox',
      size: '2560x1440',
      watermark: false,
    };
    expect(harness.imageBodies()).toHaveLength(2);
    expect(harness.imageBodies()).toEqual(
      expect.arrayContaining([
        { ...body, seed: 1073741824 },
        { ...body, seed: 1073741825 },
      ]),
    );

    const [post] = slack.calls('chat.postMessage');
    expect(post?.params.channel).toBe('C0001');
    expect(post?.params.thread_ts).toBeUndefined();
    expect(post?.params.text).toBe('“a red fox”');
    const blocks = JSON.parse(post?.params.blocks ?? '[]');
    const jobId: string = blocks[2].elements[0].value;
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '“a red fox”' } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: expect.stringMatching(
              /^Seedream 4\.0 · 2560x1440 · seeds 1073741824, 1073741825 · .* · id \S+$/,
            ),
          },
        ],
      },
      ...[
        [
          ['upscale:1', 'U1'],
          ['upscale:2', 'U2'],
        ],
        [
          ['variations:1', 'V1'],
          ['variations:2', 'V2'],
        ],
        [
          ['reroll', '🎲 Re-roll'],
          ['edit', '✏ Edit'],
          ['delete', '🗑 Delete'],
        ],
      ].map((row, index) => ({
        type: 'actions',
        block_id: index === 0 ? 'imagine-buttons' : `imagine-buttons-${index + 1}`,
        elements: row.map(([action, label]) => ({
          type: 'button',
          action_id: `imagine:${action}`,
          text: { type: 'plain_text', text: label, emoji: true },
          value: jobId,
          ...(action === 'delete' && { style: 'danger' }),
        })),
      })),
    ]);

    const postedTs = slack.messages()[0]?.ts ?? '';
    const complete = slack.calls('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]?.params.channel_id).toBe('C0001');
    expect(complete[0]?.params.thread_ts).toBe(postedTs);
    expect(post?.seq).toBeLessThan(slack.calls('files.getUploadURLExternal')[0]?.seq ?? 0);
    expect(sorted(slack.shared.map((file) => file.bytes))).toEqual(sorted(harness.images.images));
    expect(slack.shared.map((file) => file.altText)).toEqual(['a red fox', 'a red fox']);
    expect(slack.shared.every((file) => file.threadTs === postedTs && file.channel === 'C0001')).toBe(true);

    const { conversations, jobs } = harness.app.services;
    const job = await jobs.get(jobId);
    expect(job?.requester.id).toBe('slack:T0001:U0USER');
    expect(job?.channelId).toBe('slack:C0001');
    expect(await conversations.jobOfMessage(`slack:C0001:${postedTs}`)).toBe(jobId);
    expect(await conversations.conversationOfThread(`slack:C0001:${postedTs}`)).toBe(job?.conversationId);
  });

  it('sends sub-commands through the brain and answers them privately, without a queued note', async () => {
    const help = await harness.slash('help');
    expect(help).toMatchObject({ status: 200, text: '' });
    const [helpAnswer] = await waitFor(
      () => harness.slack.responses(help.responseId).at(0) && harness.slack.responses(help.responseId),
      'help',
    );
    expect(helpAnswer?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(helpAnswer?.body.text)).toMatch(
      /^Make images: imagine a red fox in the snow --ar 16:9 --n 2\n/,
    );

    const cancel = await harness.slash('cancel');
    await waitFor(() => harness.slack.responses(cancel.responseId).length === 1, 'cancel answer');
    expect(harness.slack.responses(cancel.responseId)[0]?.body.text).toBe(
      'You have nothing queued or running.',
    );

    const usage = await harness.slash('usage');
    await waitFor(() => harness.slack.responses(usage.responseId).length === 1, 'usage answer');
    expect(harness.slack.responses(usage.responseId)[0]?.body.text).toBe(
      'Today: you 0 of 100 (100 left); this channel 0 (no limit).',
    );
    expect(harness.slack.calls('chat.postMessage')).toEqual([]);
    expect(harness.imageBodies()).toEqual([]);
  });

  it('replaces the queued note with the error, privately, and posts nothing in the channel', async () => {
    const ack = await harness.slash('a fox --model nope');
    await waitFor(() => harness.slack.responses(ack.responseId).length === 1, 'error answer');
    expect(harness.slack.responses(ack.responseId)[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: true,
      text: 'Unknown model "nope". Valid models: nano-banana, nano-banana-pro, seedream-4, seedream-4.5, seedream-3, seededit, seedream-base, gpt-image, gpt-image-mini, qwen-image, qwen-edit.',
    });
    expect(harness.slack.calls('chat.postMessage')).toEqual([]);
    expect(harness.imageBodies()).toEqual([]);
  });

  it('posts one message per model for compare, labelled in Slack bold, each with a pick button', async () => {
    const ack = await harness.slash('compare a cat --models seedream-4,gpt-image');
    await waitFor(() => harness.slack.calls('files.completeUploadExternal').length === 2, 'two results');
    const posts = harness.slack.calls('chat.postMessage');
    expect(posts.map((post) => post.params.text).sort()).toEqual([
      '*GPT Image 1* — “a cat”',
      '*Seedream 4.0* — “a cat”',
    ]);
    for (const post of posts) {
      const blocks: { type: string; elements?: { action_id: string }[] }[] = JSON.parse(
        post.params.blocks ?? '[]',
      );
      const actions = blocks
        .filter((block) => block.type === 'actions')
        .flatMap((block) => block.elements ?? []);
      expect(actions.map((action) => action.action_id)).toContain('imagine:pick');
    }
    await waitFor(
      () => harness.slack.responses(ack.responseId).some((entry) => entry.body.text === '✅ Done'),
      'done',
    );
  });

  it('never lets user text ping anyone: entities are kept escaped in the posted message', async () => {
    await harness.slash('a fox &amp; a hen &lt;!channel&gt; --model seedream-4');
    await waitFor(() => harness.slack.shared.length === 1, 'the result');
    expect(harness.prompts()).toEqual(['a fox & a hen <!channel>']);
    expect(harness.slack.calls('chat.postMessage')[0]?.params.text).toBe(
      '“a fox &amp; a hen &lt;!channel&gt;”',
    );
  });
});
