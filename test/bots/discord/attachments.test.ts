import { afterEach, describe, expect, it } from 'vitest';
import { solidPng } from '../../dev/fake-image-api-helpers.js';
import { generalChannelId } from '../../fakes/discord/index.js';
import { type FileRecorder, startFileRecorder } from '../../support/file-recorder.js';
import {
  alice,
  bodyOf,
  type DiscordHarness,
  generationBodies,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

const megabyte = 1024 * 1024;

describe('attachments on Discord', () => {
  let harness: DiscordHarness | undefined;
  let recorder: FileRecorder | undefined;
  afterEach(async () => {
    await harness?.close();
    await recorder?.close();
    harness = undefined;
    recorder = undefined;
  });

  it('reads a slash command attachment only from Discord: one on another origin is refused by name, never fetched', async () => {
    harness = await startDiscordHarness();
    recorder = await startFileRecorder(await solidPng('#ff0000'));
    const sent = harness.discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'make it blue' },
      attachments: {
        image: {
          name: 'cat.png',
          bytes: await solidPng('#ff0000'),
          contentType: 'image/png',
          url: `${recorder.url}/attachments/1/2/cat.png`,
        },
      },
    });
    const answer = await waitForAnswer(harness, sent);

    expect(bodyOf(answer).content).toBe('❌ Could not read "cat.png": it is not on Discord\'s CDN.');
    expect(recorder.requests).toEqual([]);
    expect(generationBodies(harness.images)).toEqual([]);
  });

  it('refuses a message attachment on another origin, naming it, without fetching it', async () => {
    harness = await startDiscordHarness();
    recorder = await startFileRecorder(await solidPng('#ff0000'));
    const { discord } = harness;
    discord.userMessage({
      author: alice,
      channelId: generalChannelId,
      content: '<@1100000000000000001> make it blue',
      mentionsBot: true,
      attachments: [
        {
          name: 'dog.png',
          bytes: await solidPng('#00ff00'),
          contentType: 'image/png',
          url: `${recorder.url}/dog.png`,
        },
      ],
    });
    const posted = await discord.waitFor(
      'the refusal',
      (record) => record.method === 'POST' && record.path === `/channels/${generalChannelId}/messages`,
    );

    expect(bodyOf(posted).content).toBe('❌ Could not read "dog.png": it is not on Discord\'s CDN.');
    expect(recorder.requests).toEqual([]);
    expect(generationBodies(harness.images)).toEqual([]);
  });

  it('refuses an attachment declared larger than MAX_ATTACHMENT_BYTES without downloading it, naming the limit', async () => {
    harness = await startDiscordHarness({ env: { MAX_ATTACHMENT_BYTES: String(megabyte) } });
    const sent = harness.discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'make it blue' },
      attachments: {
        image: {
          name: 'big.png',
          bytes: await solidPng('#ff0000'),
          contentType: 'image/png',
          size: 3 * megabyte,
        },
      },
    });
    const answer = await waitForAnswer(harness, sent);

    expect(bodyOf(answer).content).toBe('❌ "big.png" is 3 MB; images up to 1 MB can be attached.');
    expect(harness.discord.cdnRequests).toEqual([]);
    expect(generationBodies(harness.images)).toEqual([]);
  });
});
