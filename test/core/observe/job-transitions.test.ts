import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Harness, startHarness } from '../../support/bot-harness.js';
import { consoleOutlet } from '../../support/console-destination.js';

/** A platform that takes every post (the console destination stands for any platform here). */
const acceptingOutlet = consoleOutlet();

describe('the transitions of a job, as log lines and counts', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  async function start(env: Record<string, string> = {}) {
    harness = await startHarness({
      env: { USER_RATE_LIMIT_PER_MINUTE: '0', ...env },
      overrides: { metrics: true },
    });
    harness.app.useOutlet(acceptingOutlet, { progressIntervalMs: 0 });
  }

  const detached = (sessionId: string, userId = 'console:alice') =>
    harness.context({ userId, destination: async () => ({ platform: 'console', sessionId }) });

  /** Each transition line of one job, without its time. */
  const transitionsOf = (jobId: string) =>
    harness.logLines
      .map((line): Record<string, unknown> => JSON.parse(line))
      .filter((line) => line.transition !== undefined && line.jobId === jobId)
      .map(({ time: _time, level: _level, ...line }) => line);

  const count = async (series: string) => {
    const text = (await harness.app.metrics?.registry.metrics()) ?? '';
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  const model = 'gemini-2.5-flash-image';
  const common = (jobId: string) => ({ jobId, model, kind: 'imagine', platform: 'console' });

  it('a job cancelled while it waited: queued, then cancelled, never started, counted as cancelled', async () => {
    await start({ IMAGE_API_CONCURRENCY: '1' });
    harness.fake.fault({ kind: 'latency', ms: 1500, times: 1 });
    await harness.app.brain.text('a slow fox', [], detached('s1', 'console:bob'));
    await vi.waitFor(() => expect(harness.bodies()).toHaveLength(1), { timeout: 10_000, interval: 10 });
    const [queued] = await harness.app.brain.text('a waiting fox', [], detached('s2'));
    await harness.app.brain.text('cancel', [], harness.context());
    await harness.app.jobDelivery.idle();

    const jobId = queued?.jobId ?? '';
    expect(transitionsOf(jobId)).toStrictEqual([
      { msg: 'job queued', transition: 'queued', ...common(jobId) },
      {
        msg: 'job cancelled',
        transition: 'cancelled',
        ...common(jobId),
        code: 'cancelled',
        queueWaitMs: expect.any(Number),
      },
    ]);
    expect(await count(`imagine_jobs_total{model="${model}",kind="imagine",outcome="cancelled"}`)).toBe(1);
    expect(await count(`imagine_jobs_total{model="${model}",kind="imagine",outcome="done"}`)).toBe(1);
    expect(await count('imagine_job_queue_wait_seconds_count')).toBe(1);
  });

  it('a job cancelled while it ran: queued, started, cancelled with its run time', async () => {
    await start();
    harness.fake.fault({ kind: 'latency', ms: 1500, times: 1 });
    const [running] = await harness.app.brain.text('a slow fox', [], detached('s1'));
    await vi.waitFor(() => expect(harness.bodies()).toHaveLength(1), { timeout: 10_000, interval: 10 });
    await harness.app.brain.text('cancel', [], harness.context());
    await harness.app.jobDelivery.idle();

    const jobId = running?.jobId ?? '';
    expect(transitionsOf(jobId)).toStrictEqual([
      { msg: 'job queued', transition: 'queued', ...common(jobId) },
      { msg: 'job started', transition: 'started', ...common(jobId), queueWaitMs: expect.any(Number) },
      {
        msg: 'job cancelled',
        transition: 'cancelled',
        ...common(jobId),
        code: 'cancelled',
        runMs: expect.any(Number),
      },
    ]);
    expect(await count(`imagine_jobs_total{model="${model}",kind="imagine",outcome="cancelled"}`)).toBe(1);
    expect(await count(`imagine_upstream_calls_total{model="${model}",code="cancelled"}`)).toBe(1);
  });

  it('a job found unfinished at start gets one recovered line', async () => {
    await start();
    const [reply] = await harness.app.brain.text('a red fox', [], detached('s1'));
    await harness.app.jobDelivery.idle();
    const jobId = reply?.jobId ?? '';
    await harness.app.services.jobs.update(jobId, (job) => ({ ...job, status: 'queued', resultImages: [] }));
    await harness.app.jobDelivery.recovered({
      resumed: [{ id: jobId, userId: 'console:alice' }],
      finished: [],
      failed: [],
    });

    expect(transitionsOf(jobId).map((line) => line.transition)).toStrictEqual([
      'queued',
      'started',
      'done',
      'recovered',
    ]);
    expect(transitionsOf(jobId)[3]).toStrictEqual({
      msg: 'job recovered',
      transition: 'recovered',
      ...common(jobId),
    });
  });
});
