import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { alice, bodyOf, discordToken, imageKey, originalPath } from '../bots/discord/discord-harness.js';
import { applicationId, type FakeDiscord, startFakeDiscord } from '../fakes/discord/index.js';

// The same entry point `npm start` uses, as a real process, with Discord's and the image API's URLs on fakes.
describe('imagine-bot start with Discord credentials', () => {
  let images: FakeImageApi;
  let discord: FakeDiscord;
  let bot: CliProcess;

  beforeAll(async () => {
    images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
    discord = await startFakeDiscord();
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-start-'));
    bot = spawnCli(['start'], {
      cwd: workDir,
      env: {
        DISCORD_TOKEN: discordToken,
        DISCORD_APPLICATION_ID: applicationId,
        DISCORD_API_URL: discord.apiUrl,
        IMAGE_API_BASE_URL: images.url,
        IMAGE_API_KEY: imageKey,
        STORE_URL: `sqlite://${path.join(workDir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    await bot.waitFor('Discord bot connected.');
  });
  afterAll(async () => {
    if (bot.child.exitCode === null) bot.child.kill();
    await discord.close();
    await images.close();
  });

  it('answers /imagine with the image API’s bytes, and stops cleanly on SIGTERM', async () => {
    const sent = discord.slashCommand({
      name: 'imagine',
      user: alice,
      options: { prompt: 'a lighthouse at dusk' },
    });
    const answer = await discord.waitFor(
      'the answer',
      (record) =>
        record.method === 'PATCH' &&
        record.path === originalPath(sent) &&
        bodyOf(record).components !== undefined,
    );
    expect(answer.files.map((file) => file.bytes)).toStrictEqual(images.images);
    expect(bodyOf(answer).content).toMatch(/^“a lighthouse at dusk”/);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    const output = bot.stdout() + bot.stderr();
    expect(output).not.toContain(discordToken);
    expect(output).not.toContain(imageKey);
  });
});
