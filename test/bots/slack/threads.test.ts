import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sniffImageType } from '../../../src/core/images/index.js';
import { waitFor } from '../../fakes/slack/index.js';
import { imagineResult, nextEventId, type SlackHarness, startSlackHarness } from './slack-harness.js';

const dataUri = (bytes: Buffer) => `data:${sniffImageType(bytes)};base64,${bytes.toString('base64')}`;
const solid = (background: string) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background } })
    .png()
    .toBuffer();

/** A clock running 20 times faster than the wall, so the runner's "working… n s" moves in a short test. */
function fastClock() {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * 20,
    setInterval: (callback: () => void, ms: number) => setInterval(callback, ms),
    clearInterval: (handle: unknown) => clearInterval(handle as NodeJS.Timeout),
  };
}

const threadReply = (fields: Record<string, unknown>) => ({
  type: 'message',
  user: 'U0USER',
  channel: 'C0001',
  channel_type: 'channel',
  event_ts: fields.ts,
  ...fields,
});

describe('threads and mentions', () => {
  let harness: SlackHarness;
  beforeEach(async () => {
    harness = await startSlackHarness({ runnerProgressMs: 25, clock: fastClock() });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('turns a thread reply with text and a file into a Gemini edit with the whole history, shown in a placeholder', async () => {
    const { slack, images } = harness;
    const first = await imagineResult(harness, 'a red fox');
    const attached = await solid('#0000ff');
    const file = slack.addFile({ name: 'blue.png', bytes: attached, mimetype: 'image/png' });
    images.fault({ kind: 'latency', ms: 300 });
    const reply = {
      ts: '1800000000.000100',
      thread_ts: first.ts,
      text: 'make it blue',
      subtype: 'file_share',
      files: [file],
    };
    expect((await harness.event(threadReply(reply), nextEventId())).status).toBe(200);
    await waitFor(() => slack.calls('reactions.remove').length === 1, 'the hourglass removed');

    expect(slack.calls('reactions.add')[0]?.params).toMatchObject({
      channel: 'C0001',
      timestamp: '1800000000.000100',
      name: 'hourglass_flowing_sand',
    });
    expect(slack.log.find((entry) => entry.kind === 'download')).toMatchObject({ authorized: true });
    const [, edit] = harness.imageBodies();
    expect(edit).toEqual({
      model: 'gemini-2.5-flash-image',
      image_size: '1K',
      response_format: 'b64_json',
      contents: [
        { role: 'user', parts: [{ text: 'a red fox' }] },
        { role: 'model', parts: [{ image: dataUri(images.images[0] ?? Buffer.alloc(0)) }] },
        { role: 'user', parts: [{ text: 'make it blue' }, { image: dataUri(attached) }] },
      ],
    });

    const placeholder = slack.calls('chat.postMessage')[1];
    expect(placeholder?.params.thread_ts).toBe(first.ts);
    const updates = slack.calls('chat.update');
    const progress = updates.slice(0, -1).map((update) => update.params.text);
    expect(progress.length).toBeGreaterThan(0);
    for (const text of progress) expect(text).toMatch(/^(🎨 Working…( \d+ s)?|⏳ Queued.*)$/);
    const result = updates.at(-1);
    expect(result?.params.text).toBe('“make it blue”');
    const placeholderTs = slack.messages().find((message) => message.text === '“make it blue”')?.ts;
    expect(result?.params.ts).toBe(placeholderTs);

    const complete = slack.calls('files.completeUploadExternal')[1];
    expect(complete?.params.thread_ts).toBe(first.ts);
    expect(slack.shared[1]?.bytes).toEqual(images.images[1]);
    const editJob = await harness.app.services.conversations.jobOfMessage(`slack:C0001:${placeholderTs}`);
    expect((await harness.app.services.jobs.get(editJob ?? ''))?.parentId).toBe(first.jobId);
  });

  it('edits or fuses the files of a top-level mention, posting the result as a new message with its own thread', async () => {
    const { slack, images } = harness;
    const red = await solid('#ff0000');
    const green = await solid('#00ff00');
    const files = [
      slack.addFile({ name: 'red.png', bytes: red, mimetype: 'image/png' }),
      slack.addFile({ name: 'green.png', bytes: green, mimetype: 'image/png', partial: true }),
    ];
    const text = '<@U0BOT> put these side by side';
    const mention = {
      type: 'app_mention',
      user: 'U0USER',
      text,
      ts: '1800000001.000100',
      channel: 'C0001',
      files,
    };
    await harness.event(mention, nextEventId());
    // Slack also delivers the same post as a channel message: it must not run twice.
    await harness.event(threadReply({ ts: mention.ts, text, subtype: 'file_share', files }), nextEventId());
    await waitFor(() => slack.shared.length === 1, 'the fused image');

    expect(harness.imageBodies()).toEqual([
      {
        model: 'gemini-2.5-flash-image',
        image_size: '1K',
        response_format: 'b64_json',
        contents: [
          {
            role: 'user',
            parts: [{ text: 'put these side by side' }, { image: dataUri(red) }, { image: dataUri(green) }],
          },
        ],
      },
    ]);
    expect(slack.calls('files.info').map((call) => call.params.file)).toEqual([String(files[1]?.id)]);
    const resultTs = slack.calls('chat.update').at(-1)?.params.ts;
    expect(slack.calls('chat.postMessage')[0]?.params.thread_ts).toBeUndefined();
    expect(slack.messages()).toEqual([
      expect.objectContaining({ ts: resultTs, text: '“put these side by side”' }),
    ]);
    expect(slack.shared[0]).toMatchObject({ threadTs: resultTs, bytes: images.images[0] });
  });

  it('links the result’s thread before it says ✅ Done, so a reply right after the ✅ is understood', async () => {
    const held = harness.slack.hold('respond');
    const ack = await harness.slash('a lighthouse at dawn');
    // The queued note and the ✅ both go to the response_url: wait until the ✅ is on its way, held there.
    await waitFor(
      () => harness.slack.responses(ack.responseId).some((entry) => entry.body.text === '✅ Done'),
      'the ✅ Done note',
    );
    const complete = harness.slack.calls('files.completeUploadExternal')[0];
    const threadTs = complete?.params.thread_ts ?? '';
    expect(threadTs).not.toBe('');
    expect(await harness.app.brain.ownsThread(`slack:C0001:${threadTs}`)).toBe(true);
    expect(await harness.app.services.conversations.jobOfMessage(`slack:C0001:${threadTs}`)).toBeDefined();
    held.release();
    await harness.app.jobDelivery.idle();
  });

  it('edits the latest image when mentioned in one of its threads', async () => {
    const { slack, images } = harness;
    const first = await imagineResult(harness, 'a red fox --model seedream-4');
    const mention = {
      type: 'app_mention',
      user: 'U0USER',
      text: '<@U0BOT> make it night',
      ts: '1800000002.000100',
      thread_ts: first.ts,
      channel: 'C0001',
    };
    await harness.event(mention, nextEventId());
    await waitFor(() => slack.shared.length === 2, 'the edit');
    const edit = harness.imageBodies()[1];
    expect(edit?.model).toBe('doubao-seedream-4-0-250828');
    expect(edit?.contents).toEqual([
      {
        role: 'user',
        parts: [{ image: dataUri(images.images[0] ?? Buffer.alloc(0)) }, { text: 'make it night' }],
      },
    ]);
    expect(slack.shared[1]?.threadTs).toBe(first.ts);
  });

  it('names the missing files:read scope when Slack answers a download with its sign-in page', async () => {
    const { slack } = harness;
    const first = await imagineResult(harness, 'a red fox');
    slack.setFilesScopeMissing(true);
    const file = slack.addFile({ name: 'ref.png', bytes: await solid('#00ff00'), mimetype: 'image/png' });
    await harness.event(
      threadReply({ ts: '1800000003.000100', thread_ts: first.ts, text: 'use this', files: [file] }),
      nextEventId(),
    );
    const [note] = await waitFor(
      () => slack.calls('chat.postEphemeral').length === 1 && slack.calls('chat.postEphemeral'),
      'a note',
    );
    expect(note?.params).toMatchObject({ channel: 'C0001', user: 'U0USER', thread_ts: first.ts });
    expect(note?.params.text).toBe(
      'Slack sent a sign-in page instead of "ref.png": the app needs the files:read scope. ' +
        'An admin can add it (slack/manifest.yml lists it) and reinstall the app.',
    );
    expect(slack.log.find((entry) => entry.kind === 'download')).toMatchObject({ authorized: false });
    expect(harness.imageBodies()).toHaveLength(1);
    // The file is read once the request has its quota slot, after the hourglass went up; it comes down again.
    await waitFor(() => slack.calls('reactions.remove').length === 1, 'the hourglass removed');
    expect(slack.calls('reactions.add')).toHaveLength(1);
  });

  it('ignores its own posts, other bots and threads that are not its own', async () => {
    const { slack } = harness;
    const first = await imagineResult(harness, 'a red fox');
    const callsBefore = slack.log.filter((entry) => entry.kind === 'api').length;
    await harness.event(
      threadReply({ ts: '1800000004.000100', thread_ts: first.ts, user: 'U0BOT', text: 'mine' }),
      nextEventId(),
    );
    await harness.event(
      threadReply({
        ts: '1800000004.000200',
        thread_ts: first.ts,
        user: 'U0OTHER',
        bot_id: 'B0OTHER',
        text: 'a bot',
      }),
      nextEventId(),
    );
    await harness.event(
      threadReply({
        ts: '1800000004.000300',
        thread_ts: first.ts,
        subtype: 'message_changed',
        text: 'edited',
      }),
      nextEventId(),
    );
    await harness.event(
      threadReply({ ts: '1800000004.000400', thread_ts: '1799999999.000100', text: 'elsewhere' }),
      nextEventId(),
    );
    await harness.event(threadReply({ ts: '1800000004.000500', text: 'no thread at all' }), nextEventId());
    // A reply that is ours, sent last: once it is answered, the ones before were surely seen.
    await harness.event(
      threadReply({ ts: '1800000004.000600', thread_ts: first.ts, text: 'make it blue' }),
      nextEventId(),
    );
    await waitFor(() => slack.shared.length === 2, 'the edit');
    expect(harness.prompts()).toEqual(['a red fox', 'make it blue']);
    const reactions = slack.calls('reactions.add').map((call) => call.params.timestamp);
    expect(reactions).toEqual(['1800000004.000600']);
    expect(slack.log.filter((entry) => entry.kind === 'api').length).toBeGreaterThan(callsBefore);
  });

  it('takes a direct message as a prompt and answers in that conversation', async () => {
    const { slack } = harness;
    const direct = {
      type: 'message',
      user: 'U0USER',
      channel: 'D0001',
      channel_type: 'im',
      ts: '1800000005.000100',
    };
    await harness.event({ ...direct, text: 'a lighthouse at dusk --model seedream-4' }, nextEventId());
    await waitFor(() => slack.shared.length === 1, 'the result');
    const result = slack.messages().find((message) => message.text === '“a lighthouse at dusk”');
    expect(result).toMatchObject({ channel: 'D0001' });
    expect(slack.shared[0]).toMatchObject({ channel: 'D0001', threadTs: result?.ts });
  });
});
