import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { type CliProcess, spawnCli } from '../bots/console/cli-process.js';
import { signingSecret } from '../bots/slack/slack-harness.js';
import { type FakeSlack, startFakeSlack, waitFor } from '../fakes/slack/index.js';

const imageKey = 'sk-SENTINEL-operator-3f8a';
const listening = z.object({ msg: z.literal('operator endpoints listening'), url: z.string() });

/** The operator URL the process logged (METRICS_PORT=0 took a free port). */
function operatorUrl(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = listening.safeParse(JSON.parse(line));
    if (parsed.success) return parsed.data.url;
  }
  return undefined;
}

async function get(url: string): Promise<{ status: number; body: unknown; type: string | null }> {
  const response = await fetch(url);
  const type = response.headers.get('content-type');
  const text = await response.text();
  return {
    status: response.status,
    type,
    body: type?.startsWith('application/json') ? JSON.parse(text) : text,
  };
}

// `npm start` as a real process: the operator endpoints answer before Slack is up, and /readyz says what waits.
describe('imagine-bot start serves /healthz, /readyz and /metrics on METRICS_PORT', () => {
  let images: FakeImageApi;
  let slack: FakeSlack;
  let bot: CliProcess;
  let hold: { release(): void };
  let url: string;

  beforeAll(async () => {
    images = await startFakeImageApi({ apiKey: imageKey, maxSide: 256 });
    slack = await startFakeSlack();
    // Slack's start-up check (auth.test) waits until the test lets it through.
    hold = slack.hold('auth.test');
    const workDir = await mkdtemp(path.join(tmpdir(), 'imagine-operator-'));
    bot = spawnCli(['start'], {
      cwd: workDir,
      env: {
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: `${slack.url}/api`,
        PORT: '0',
        METRICS_PORT: '0',
        IMAGE_API_BASE_URL: images.url,
        IMAGE_API_KEY: imageKey,
        STORE_URL: `sqlite://${path.join(workDir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    url = await waitFor(() => operatorUrl(bot.stderr()), 'the operator endpoints');
  });
  afterAll(async () => {
    hold.release();
    if (bot.child.exitCode === null) bot.child.kill();
    await slack.close();
    await images.close();
  });

  it('is alive at once, ready only once Slack listens, and stops with the process', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(() => slack.calls('auth.test').length > 0, 'the held auth.test');

    expect(await get(`${url}/healthz`)).toStrictEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { status: 'ok' },
    });
    expect(await get(`${url}/readyz`)).toStrictEqual({
      status: 503,
      type: 'application/json; charset=utf-8',
      body: {
        status: 'unavailable',
        checks: { store: 'ok', imageStore: 'ok', queue: 'ok', slack: 'starting' },
      },
    });

    hold.release();
    await bot.waitFor('Slack bot running');
    expect(await get(`${url}/readyz`)).toStrictEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { status: 'ok', checks: { store: 'ok', imageStore: 'ok', queue: 'ok', slack: 'ok' } },
    });
    const metrics = await get(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('\nimagine_jobs_queued 0\n');
    expect(metrics.body).toContain('\nimagine_jobs_running 0\n');
    // prom-client's default process metrics come with ours.
    expect(metrics.body).toContain('\nprocess_cpu_user_seconds_total ');
    expect(metrics.body).toContain('\nnodejs_eventloop_lag_seconds ');
    expect((await get(`${url}/nothing-here`)).status).toBe(404);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const output = bot.stdout() + bot.stderr();
    for (const secret of [slack.botToken, signingSecret, imageKey]) expect(output).not.toContain(secret);
  });
});
