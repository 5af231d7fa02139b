import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../fakes/slack/index.js';
import { type FileRecorder, startFileRecorder } from '../../support/file-recorder.js';
import { nextEventId, type SlackHarness, startSlackHarness } from './slack-harness.js';

const solid = (background: string) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background } })
    .png()
    .toBuffer();
const megabyte = 1024 * 1024;

let mentionNumber = 0;
/** `@imagine-bot <text>` with files, as its own top-level message. */
function mention(files: Record<string, unknown>[], user = 'U0USER') {
  mentionNumber += 1;
  return {
    type: 'app_mention',
    user,
    text: '<@U0BOT> make it blue',
    ts: `1800000100.${String(mentionNumber).padStart(6, '0')}`,
    channel: 'C0001',
    files,
  };
}

const downloads = (harness: SlackHarness) => harness.slack.log.filter((entry) => entry.kind === 'download');
const ephemeralTexts = (harness: SlackHarness) =>
  harness.slack.calls('chat.postEphemeral').map((call) => call.params.text);

describe('files attached on Slack', () => {
  let harness: SlackHarness | undefined;
  let recorder: FileRecorder | undefined;
  afterEach(async () => {
    await harness?.close();
    await recorder?.close();
    harness = undefined;
    recorder = undefined;
  });

  it('sends the bot token only to Slack: a file on another origin is not downloaded and the user is told which', async () => {
    harness = await startSlackHarness();
    recorder = await startFileRecorder(await solid('#0000ff'));
    const file = harness.slack.addFile({
      name: 'cat.png',
      bytes: await solid('#ff0000'),
      mimetype: 'image/png',
    });
    const elsewhere = {
      ...file,
      url_private: `${recorder.url}/files-pri/T0001-F0EVIL/cat.png`,
      url_private_download: `${recorder.url}/files-pri/T0001-F0EVIL/download/cat.png`,
    };
    await harness.event(mention([elsewhere]), nextEventId());
    const current = harness;
    await waitFor(() => ephemeralTexts(current).length === 1, 'the refusal');

    expect(ephemeralTexts(harness)).toEqual(['Could not read "cat.png": it is not on Slack\'s file server.']);
    expect(recorder.requests).toEqual([]);
    expect(downloads(harness)).toEqual([]);
    expect(harness.imageBodies()).toEqual([]);
  });

  it('follows a redirect to another origin without the token', async () => {
    harness = await startSlackHarness();
    const elsewhere = await solid('#00ff00');
    recorder = await startFileRecorder(elsewhere);
    const file = harness.slack.addFile({
      name: 'moved.png',
      bytes: await solid('#ff0000'),
      mimetype: 'image/png',
      redirectTo: `${recorder.url}/moved.png`,
    });
    await harness.event(mention([file]), nextEventId());
    const current = harness;
    await waitFor(() => current.slack.shared.length === 1, 'the result');

    expect(downloads(harness)).toMatchObject([{ authorized: true }]);
    expect(recorder.requests).toEqual([{ method: 'GET', path: '/moved.png' }]);
    expect(JSON.stringify(harness.imageBodies()[0])).toContain(elsewhere.toString('base64'));
  });

  it('refuses a file declared larger than MAX_ATTACHMENT_BYTES without downloading it, naming the limit', async () => {
    harness = await startSlackHarness({ env: { MAX_ATTACHMENT_BYTES: String(megabyte) } });
    const file = harness.slack.addFile({
      name: 'big.png',
      bytes: await solid('#ff0000'),
      mimetype: 'image/png',
    });
    await harness.event(mention([{ ...file, size: 3 * megabyte }]), nextEventId());
    const current = harness;
    await waitFor(() => ephemeralTexts(current).length === 1, 'the refusal');

    expect(ephemeralTexts(harness)).toEqual(['"big.png" is 3 MB; images up to 1 MB can be attached.']);
    expect(downloads(harness)).toEqual([]);
    expect(harness.imageBodies()).toEqual([]);
  });

  it('cuts a download that grows past the limit, with no content-length or a larger one than declared', async () => {
    harness = await startSlackHarness({ env: { MAX_ATTACHMENT_BYTES: String(megabyte) } });
    const png = await solid('#ff0000');
    const large = Buffer.concat([png, Buffer.alloc(2 * megabyte, 7)]);
    const chunked = harness.slack.addFile({
      name: 'grows.png',
      bytes: large,
      mimetype: 'image/png',
      chunked: true,
    });
    const lying = harness.slack.addFile({ name: 'lies.png', bytes: large, mimetype: 'image/png' });
    await harness.event(mention([{ ...chunked, size: png.length }]), nextEventId());
    await harness.event(mention([{ ...lying, size: png.length }]), nextEventId());
    const current = harness;
    await waitFor(() => ephemeralTexts(current).length === 2, 'two refusals');

    expect(ephemeralTexts(harness).sort()).toEqual([
      '"grows.png" is larger than 1 MB; images up to 1 MB can be attached.',
      '"lies.png" is 2.0 MB; images up to 1 MB can be attached.',
    ]);
    expect(downloads(harness)).toHaveLength(2);
    expect(harness.imageBodies()).toEqual([]);
    // Each request took its quota slot before the download, and got it back when the file could not be used.
    const usage = await harness.app.services.quotas.usage('slack:T0001:U0USER', 'slack:C0001');
    expect(usage.userToday).toBe(0);
  });

  it('checks the quota before downloading: four requests at once from a user allowed one download one file', async () => {
    harness = await startSlackHarness({ env: { USER_DAILY_QUOTA: '1', USER_RATE_LIMIT_PER_MINUTE: '0' } });
    const { slack } = harness;
    const files = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff', '#ffff00'].map(async (colour, index) =>
        slack.addFile({ name: `${index + 1}.png`, bytes: await solid(colour), mimetype: 'image/png' }),
      ),
    );
    const current = harness;
    await Promise.all(files.map((file) => current.event(mention([file]), nextEventId())));
    await waitFor(
      () => slack.shared.length === 1 && ephemeralTexts(current).length === 3,
      'one result and three refusals',
    );

    for (const text of ephemeralTexts(harness)) {
      expect(text).toMatch(
        /^You've used your 1 image for today; the quota resets in \d+ (s|min|h)( \d+ min)?\.$/,
      );
    }
    expect(downloads(harness)).toHaveLength(1);
    expect(harness.imageBodies()).toHaveLength(1);
  });

  it('runs at most MAX_CONCURRENT_DOWNLOADS downloads at once across requests; the rest wait their turn', async () => {
    harness = await startSlackHarness({
      env: { MAX_CONCURRENT_DOWNLOADS: '2', USER_RATE_LIMIT_PER_MINUTE: '0' },
    });
    const { slack } = harness;
    const hold = slack.holdDownloads();
    const users = ['U0A', 'U0B', 'U0C', 'U0D', 'U0E'];
    const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff'];
    const current = harness;
    for (const [index, user] of users.entries()) {
      const bytes = await solid(colours[index] ?? '#000000');
      const file = slack.addFile({ name: `${user}.png`, bytes, mimetype: 'image/png' });
      await current.event(mention([file], user), nextEventId());
    }
    await waitFor(() => hold.inFlight >= 2, 'two downloads held');
    for (let started = 3; started <= users.length; started += 1) {
      hold.releaseOne();
      await waitFor(() => hold.started >= started, `download ${started} started`);
    }
    hold.releaseAll();
    await waitFor(() => slack.shared.length === users.length, 'every result');

    expect(hold.started).toBe(users.length);
    expect(hold.maxInFlight).toBe(2);
  });
});
