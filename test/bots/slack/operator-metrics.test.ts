import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorText } from '../../../src/commands/replies/index.js';
import { ImagineError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { type OperatorServer, startOperatorServer } from '../../../src/core/observe/operator-server.js';
import { waitFor } from '../../fakes/slack/index.js';
import { sentinelKey } from '../../support/bot-harness.js';
import { imagineResult, nextEventId, type SlackHarness, startSlackHarness } from './slack-harness.js';

const logLine = z.looseObject({
  msg: z.string(),
  transition: z.string().optional(),
  jobId: z.string().optional(),
});

/** The value of one sample in Prometheus' text format (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('what an operator reads: the job lines in the log and the counts on /metrics', () => {
  let harness: SlackHarness | undefined;
  let server: OperatorServer | undefined;
  afterEach(async () => {
    await server?.close();
    await harness?.close();
  });

  it('counts a job that worked after a retry, one the model refused, one Slack refused, a quota refusal and a duplicate event', async () => {
    harness = await startSlackHarness({
      metrics: true,
      env: { IMAGE_API_MAX_RETRIES: '1', USER_DAILY_QUOTA: '1', USER_RATE_LIMIT_PER_MINUTE: '0' },
    });
    const current = harness;
    const { slack, images, app } = current;
    server = await startOperatorServer({
      host: '127.0.0.1',
      port: 0,
      readiness: app.readiness,
      metrics: app.metrics,
      logger: createLogger({ level: 'silent' }),
    });
    const model = app.services.config.defaultModel;
    const filtered = errorText(new ImagineError('content_policy', ''));

    // 1. A 503, retried once, then the image.
    images.fault({ kind: 'status', status: 503 });
    const lighthouse = await imagineResult(current, 'a lighthouse');
    // 2. The model's content filter: the job fails.
    images.fault({ kind: 'content_policy', style: 'openai' });
    const refused = await current.slash('a forbidden thing', { user: 'U0BOB' });
    await waitFor(
      () => slack.responses(refused.responseId).some((entry) => entry.body.text === filtered),
      'the failure of the refused prompt',
    );
    // 3. The image comes, but Slack will not take the message.
    slack.fault({ method: 'chat.postMessage', kind: 'error', error: 'not_in_channel' });
    const unposted = await current.slash('a quiet harbour', { user: 'U0CAROL' });
    await waitFor(
      () =>
        slack
          .responses(unposted.responseId)
          .some((entry) => String(entry.body.text).startsWith('I cannot post in this channel')),
      'the note that the result could not be posted',
    );
    // 4. Over the daily quota: nothing is queued.
    const overQuota = await current.slash('one more lighthouse');
    await waitFor(
      () =>
        slack
          .responses(overQuota.responseId)
          .some((entry) => String(entry.body.text).startsWith("You've used")),
      'the quota refusal',
    );
    // 5. Slack delivers one event twice (a retry): the second is claimed already.
    const eventId = nextEventId();
    const event = {
      type: 'message',
      channel: 'C0009',
      user: 'U0USER',
      text: 'hello',
      ts: '1800000001.000100',
    };
    await current.event(event, eventId);
    await current.event(event, eventId, { 'x-slack-retry-num': '1' });
    await app.jobDelivery.idle();

    const text = await (await fetch(`${server.url}/metrics`)).text();
    const counts = {
      done: sample(text, `imagine_jobs_total{model="${model}",kind="imagine",outcome="done"}`),
      failed: sample(text, `imagine_jobs_total{model="${model}",kind="imagine",outcome="failed"}`),
      callsOk: sample(text, `imagine_upstream_calls_total{model="${model}",code="ok"}`),
      callsUpstream: sample(text, `imagine_upstream_calls_total{model="${model}",code="upstream"}`),
      callsPolicy: sample(text, `imagine_upstream_calls_total{model="${model}",code="content_policy"}`),
      retries: sample(text, `imagine_upstream_retries_total{model="${model}",code="upstream"}`),
      bytes: sample(text, `imagine_image_bytes_received_total{model="${model}"}`),
      platformErrors: sample(
        text,
        'imagine_platform_api_errors_total{platform="slack",code="not_in_channel"}',
      ),
      quota: sample(text, 'imagine_quota_refusals_total{reason="user_daily"}'),
      deduped: sample(text, 'imagine_events_deduped_total{source="slack-event"}'),
      queueWaits: sample(text, 'imagine_job_queue_wait_seconds_count'),
      doneDurations: sample(text, `imagine_job_duration_seconds_count{model="${model}",outcome="done"}`),
      queued: sample(text, 'imagine_jobs_queued'),
      running: sample(text, 'imagine_jobs_running'),
    };
    expect(counts).toStrictEqual({
      done: 2,
      failed: 1,
      callsOk: 2,
      callsUpstream: 1,
      callsPolicy: 1,
      retries: 1,
      bytes: images.images.reduce((total, image) => total + image.byteLength, 0),
      platformErrors: 1,
      quota: 1,
      deduped: 1,
      queueWaits: 3,
      doneDurations: 2,
      queued: 0,
      running: 0,
    });
    expect(images.images).toHaveLength(2);

    // The lighthouse's life, one line per transition, with the fields an operator filters on.
    const lines = current.logLines
      .map((line) => logLine.parse(JSON.parse(line)))
      .filter((line) => line.transition !== undefined && line.jobId === lighthouse.jobId);
    const common = { jobId: lighthouse.jobId, model, kind: 'imagine', platform: 'slack', level: 'info' };
    expect(lines.map(({ time: _time, ...line }) => line)).toStrictEqual([
      { msg: 'job queued', transition: 'queued', ...common },
      { msg: 'job started', transition: 'started', ...common, queueWaitMs: expect.any(Number) },
      {
        msg: 'job retry',
        transition: 'retry',
        ...common,
        attempt: 1,
        delayMs: expect.any(Number),
        code: 'upstream',
        requestId: expect.stringMatching(/^[0-9a-f]{24}$/),
      },
      {
        msg: 'job done',
        transition: 'done',
        ...common,
        runMs: expect.any(Number),
        images: 1,
        requestId: expect.stringMatching(/^[0-9a-f]{24}$/),
      },
    ]);
    // The done line names the call that made the image, not the one that failed before it.
    expect(lines[3]?.requestId).not.toBe(lines[2]?.requestId);
    const failedLine = current.logLines
      .map((line) => logLine.parse(JSON.parse(line)))
      .find((line) => line.transition === 'failed');
    expect(failedLine).toMatchObject({
      msg: 'job failed',
      model,
      kind: 'imagine',
      platform: 'slack',
      code: 'content_policy',
      runMs: expect.any(Number),
      requestId: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    const everything = current.logLines.join('\n') + text;
    for (const secret of [sentinelKey, slack.botToken]) expect(everything).not.toContain(secret);
  });
});
