import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { continuingText } from '../../src/commands/job-delivery.js';
import { waitFor } from '../fakes/slack/index.js';
import {
  type BotData,
  type BotProcess,
  type Fakes,
  generationCalls,
  killIfRunning,
  newBotData,
  queuedAck,
  responseTexts,
  resultsOf,
  slash,
  startBot,
  startFakes,
  waitMs,
} from './bot-process.js';
import { heldResponseUrl } from './held-response-url.js';

// A deploy or `docker stop` sends SIGTERM: a running job either finishes within SHUTDOWN_GRACE_MS or is handed
// back to the store for the next start; its user never sees it fail.
describe('imagine-bot start stopped with SIGTERM while a job runs', () => {
  let fakes: Fakes;
  let data: BotData;
  const bots: BotProcess[] = [];

  beforeEach(async () => {
    fakes = await startFakes();
    data = await newBotData();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) {
      killIfRunning(bot);
      await bot.exited;
    }
    await fakes.close();
    await rm(data.workDir, { recursive: true, force: true });
  });

  it('lets the job finish within the grace: its result is posted, then the process exits with code 0', async () => {
    const { slack, images } = fakes;
    images.fault({ kind: 'latency', ms: 2_000 });
    const bot = await startBot(fakes, data, { SHUTDOWN_GRACE_MS: '10000' });
    bots.push(bot);
    const command = await slash(bot, slack, 'a lantern in the fog');
    expect(command.ack).toEqual({ status: 200, text: queuedAck });
    // This process notices the call before the fake's latency ends (same event loop, earlier timer), so the
    // signal is sent while the job waits for its image.
    await waitFor(() => generationCalls(images).length === 1, 'the call to the image API', waitMs);
    slack.mark('SIGTERM');
    bot.cli.child.kill('SIGTERM');

    expect(await bot.exited).toBe(0);
    expect(resultsOf(slack, 'a lantern in the fog')).toEqual({ posts: 1, messages: 1, images: 1 });
    const sigterm = slack.log.find((entry) => entry.kind === 'mark' && entry.label === 'SIGTERM')?.seq ?? 0;
    expect(slack.calls('chat.postMessage').every((call) => call.seq > sigterm)).toBe(true);
    expect(responseTexts(slack, command)).toContain('✅ Done');
    expect(responseTexts(slack, command).filter((text) => text.startsWith('❌'))).toEqual([]);
    expect(bot.problemLines()).toEqual([]);
  }, 180_000);

  it('with no grace hands the job back: nothing is posted as a failure, and the next start posts its result once', async () => {
    const { slack, images } = fakes;
    // The first call never answers: only the shutdown can end it.
    images.fault({ kind: 'hang' });
    const first = await startBot(fakes, data, { SHUTDOWN_GRACE_MS: '0' });
    bots.push(first);
    const command = await slash(first, slack, 'a kite over the dunes');
    expect(command.ack).toEqual({ status: 200, text: queuedAck });
    await waitFor(() => generationCalls(images).length === 1, 'the call to the image API', waitMs);
    first.cli.child.kill('SIGTERM');

    expect(await first.exited).toBe(0);
    expect(slack.calls('chat.postMessage')).toEqual([]);
    expect(slack.calls('chat.postEphemeral')).toEqual([]);
    expect(responseTexts(slack, command).filter((text) => text.startsWith('❌'))).toEqual([]);

    const second = await startBot(fakes, data, { SHUTDOWN_GRACE_MS: '0' });
    bots.push(second);
    await waitFor(
      () => responseTexts(slack, command).includes('✅ Done'),
      'the resumed job’s result',
      waitMs,
    );
    second.cli.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    expect(resultsOf(slack, 'a kite over the dunes')).toEqual({ posts: 1, messages: 1, images: 1 });
    const texts = responseTexts(slack, command);
    expect(texts.filter((text) => text === continuingText)).toHaveLength(1);
    expect(texts.filter((text) => text === '✅ Done')).toHaveLength(1);
    expect(texts.filter((text) => text.startsWith('❌'))).toEqual([]);
    expect(generationCalls(images)).toHaveLength(2);
    expect([...first.problemLines(), ...second.problemLines()]).toEqual([]);
  }, 180_000);

  it('stops cleanly (exit code 0) on a SIGTERM that comes while the last stop’s jobs are still being picked up', async () => {
    const { slack, images } = fakes;
    // The job never gets its image: it is interrupted twice.
    images.fault({ kind: 'hang', times: 2 });
    // Slack is slow to take the "continuing" note: picking the job up at the next start takes as long as we like.
    const responseUrl = await heldResponseUrl();
    try {
      const first = await startBot(fakes, data, { SHUTDOWN_GRACE_MS: '0' });
      bots.push(first);
      await slash(first, slack, 'a comet over the sea', responseUrl.url);
      await waitFor(() => generationCalls(images).length === 1, 'the call to the image API', waitMs);
      first.cli.child.kill('SIGKILL');
      await first.exited;

      const second = await startBot(fakes, data, { SHUTDOWN_GRACE_MS: '0' });
      bots.push(second);
      await waitFor(() => responseUrl.texts().includes(continuingText), 'the continuing note', waitMs);
      second.cli.child.kill('SIGTERM');
      responseUrl.release();

      expect(await second.exited).toBe(0);
      expect(slack.calls('chat.postMessage')).toEqual([]);
      expect(responseUrl.texts().filter((text) => text.startsWith('❌'))).toEqual([]);
      expect(second.problemLines()).toEqual([]);
    } finally {
      responseUrl.release();
      await responseUrl.close();
    }
  }, 180_000);
});
