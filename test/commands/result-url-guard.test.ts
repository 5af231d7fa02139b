import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, onlyReply, startHarness } from '../support/bot-harness.js';
import { type Recorder, startRecorder } from '../support/recorder.js';

describe('a result URL the bot will not fetch, as the user and the operator see it', () => {
  let harness: Harness;
  let recorder: Recorder;
  beforeAll(async () => {
    recorder = await startRecorder();
    harness = await startHarness({ env: { USER_RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    await harness.close();
    await recorder.close();
  });

  it('tells the user the image could not be downloaded and logs the rule that refused it', async () => {
    harness.fake.fault({
      kind: 'foreign_url',
      url: `${recorder.url}/latest/meta-data?token=presigned-secret`,
    });
    const reply = onlyReply(
      await harness.app.brain.text('a red fox --model seedream-4', [], harness.context()),
      'error',
    );
    expect(reply.text).toBe('The image was made but could not be downloaded. Press Retry or try again.');
    expect(recorder.requests).toEqual([]);
    const logged = harness.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'image download failed');
    expect(logged).toMatchObject([
      { level: 'warn', rule: 'loopback', refused: '127.0.0.1 is a loopback address (127.0.0.0/8)' },
    ]);
    expect(harness.logLines.join('\n')).not.toContain('presigned-secret');
  });
});
