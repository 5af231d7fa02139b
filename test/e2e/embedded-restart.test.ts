import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { continuingText } from '../../src/commands/job-delivery.js';
import { waitFor } from '../fakes/slack/index.js';
import {
  type BotData,
  type BotProcess,
  type Fakes,
  generationCalls,
  killIfRunning,
  newBotData,
  promptOf,
  queuedAck,
  responseTexts,
  resultsOf,
  type SentCommand,
  slash,
  startBot,
  startFakes,
  untilAnswer,
  usageText,
  waitMs,
} from './bot-process.js';

const prompts = ['a lighthouse at dawn', 'a fox in the snow', 'a paper boat on a pond', 'a red bicycle'];

// The embedded mode: one process, jobs kept in its SQLite store. A SIGKILL (OOM, a host reboot) loses nothing.
describe('imagine-bot start on a SQLite store, killed with SIGKILL and started again', () => {
  let fakes: Fakes;
  let data: BotData;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    fakes = await startFakes();
    data = await newBotData();
  });
  afterAll(async () => {
    for (const bot of bots) killIfRunning(bot);
    await Promise.all(bots.map((bot) => bot.exited));
    await fakes.close();
    await rm(data.workDir, { recursive: true, force: true });
  });

  it('posts each of four commands’ result once, tells each resumed one it continues, and counts the quota once', async () => {
    const { slack, images } = fakes;
    // The call the kill interrupts never answers, so the kill lands while it runs; then each job takes ~3 s.
    images.fault({ kind: 'hang' });
    images.fault({ kind: 'latency', ms: 3_000, times: 100 });
    const env = { USER_DAILY_QUOTA: '10' };

    const first = await startBot(fakes, data, env);
    bots.push(first);
    const commands: SentCommand[] = [];
    for (const prompt of prompts) commands.push(await slash(first, slack, prompt));
    expect(commands.map((command) => command.ack)).toEqual(
      prompts.map(() => ({ status: 200, text: queuedAck })),
    );
    // One runs (IMAGE_API_CONCURRENCY=1), three wait: the user sees all four taken.
    await waitFor(() => generationCalls(images).length === 1, 'the first call to the image API', waitMs);
    const before = await untilAnswer(
      () => usageText(first, slack),
      (answer) => answer.includes('You have 4 request(s) queued or running.'),
      'the four requests to be queued',
    );
    expect(before).toBe(
      'Today: you 4 of 10 (6 left); this channel 4 (no limit). You have 4 request(s) queued or running.',
    );
    expect(generationCalls(images).map(promptOf)).toEqual([prompts[0]]);

    first.cli.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(slack.calls('chat.postMessage')).toEqual([]);

    const second = await startBot(fakes, data, env);
    bots.push(second);
    await waitFor(
      () => commands.every((command) => responseTexts(slack, command).includes('✅ Done')),
      'the four results',
      4 * waitMs,
    );
    const after = await usageText(second, slack);
    expect(after).toMatch(/^Today: you 4 of 10 \(6 left\); this channel 4 \(no limit\)\./);
    // A stop lets nothing more be posted: what is counted below is all there will be.
    second.cli.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    for (const prompt of prompts) {
      expect({ prompt, ...resultsOf(slack, prompt) }).toEqual({ prompt, posts: 1, messages: 1, images: 1 });
    }
    for (const command of commands) {
      const texts = responseTexts(slack, command);
      expect(texts.filter((text) => text === continuingText)).toHaveLength(1);
      expect(texts.filter((text) => text === '✅ Done')).toHaveLength(1);
      expect(texts.filter((text) => text.startsWith('❌'))).toEqual([]);
    }
    expect(slack.calls('chat.postEphemeral')).toEqual([]);
    // The interrupted call is made again, each waiting job once: five calls for four results.
    const calls = generationCalls(images).map(promptOf);
    expect(calls).toHaveLength(5);
    expect(calls.slice(1).sort()).toEqual([...prompts].sort());
    const uploaded = slack.shared.map((file) => file.bytes.toString('base64')).sort();
    expect(uploaded).toEqual(images.images.map((bytes) => bytes.toString('base64')).sort());
    expect([...first.problemLines(), ...second.problemLines()]).toEqual([]);
  }, 360_000);
});
