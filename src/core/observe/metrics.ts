/**
 * The Prometheus instruments of one app, on a registry of its own (never prom-client's global one), so a test
 * process can run several apps side by side. Loaded only by the commands that serve /metrics (`start`,
 * `worker`): prom-client costs the chat and `generate` nothing.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface QueueCounts {
  /** Waiting to run (for a shared BullMQ queue: across the fleet). */
  queued: number;
  running: number;
}

export interface Metrics {
  registry: Registry;
  jobs: Counter<'model' | 'kind' | 'outcome'>;
  jobDuration: Histogram<'model' | 'outcome'>;
  queueWait: Histogram<string>;
  upstreamCalls: Counter<'model' | 'code'>;
  upstreamRetries: Counter<'model' | 'code'>;
  imageBytes: Counter<'model'>;
  platformErrors: Counter<'platform' | 'code'>;
  eventsDeduped: Counter<'source'>;
  quotaRefusals: Counter<'reason'>;
  /** The queued and running gauges read `counts` at each scrape; a failing read keeps the last value. */
  watchQueue(counts: () => Promise<QueueCounts>): void;
}

// Image models take seconds to a few minutes; a queue wait is usually shorter.
const durationBuckets = [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300];
const waitBuckets = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let readCounts: (() => Promise<QueueCounts>) | undefined;
  const latest: QueueCounts = { queued: 0, running: 0 };
  const refresh = async () => {
    if (readCounts === undefined) return;
    try {
      Object.assign(latest, await readCounts());
    } catch {
      // The queue cannot answer (Redis down): /readyz says so; the gauges keep their last value.
    }
  };
  return {
    registry,
    jobs: new Counter({
      name: 'imagine_jobs_total',
      help: 'Jobs that ended in this process, by model, kind and outcome (done, failed, cancelled).',
      labelNames: ['model', 'kind', 'outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'imagine_job_duration_seconds',
      help: 'How long a job ran, from its start to its end (not counting its wait in the queue).',
      labelNames: ['model', 'outcome'],
      buckets: durationBuckets,
      registers,
    }),
    queueWait: new Histogram({
      name: 'imagine_job_queue_wait_seconds',
      help: 'How long a job waited from its request to its start.',
      buckets: waitBuckets,
      registers,
    }),
    upstreamCalls: new Counter({
      name: 'imagine_upstream_calls_total',
      help: "Calls to the image API (each attempt), by model and outcome code ('ok' or the error code).",
      labelNames: ['model', 'code'],
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'imagine_upstream_retries_total',
      help: 'Image API calls tried again after a retryable error, by model and the error code.',
      labelNames: ['model', 'code'],
      registers,
    }),
    imageBytes: new Counter({
      name: 'imagine_image_bytes_received_total',
      help: 'Bytes of images received from the image API (decoded), by model.',
      labelNames: ['model'],
      registers,
    }),
    platformErrors: new Counter({
      name: 'imagine_platform_api_errors_total',
      help: "Posting a job's reply failed at the platform's API, by platform and the platform's error code.",
      labelNames: ['platform', 'code'],
      registers,
    }),
    eventsDeduped: new Counter({
      name: 'imagine_events_deduped_total',
      help: 'Platform events not handled here because another delivery or instance claimed them first.',
      labelNames: ['source'],
      registers,
    }),
    quotaRefusals: new Counter({
      name: 'imagine_quota_refusals_total',
      help: 'Requests refused by the bot’s own limits, by reason (rate_limit, user_daily, channel_daily).',
      labelNames: ['reason'],
      registers,
    }),
    watchQueue(counts) {
      readCounts = counts;
    },
    ...queueGauges(registers, refresh, latest),
  };
}

/** Gauges read at each scrape. */
function queueGauges(registers: Registry[], refresh: () => Promise<void>, latest: QueueCounts) {
  return {
    queuedGauge: new Gauge({
      name: 'imagine_jobs_queued',
      help: 'Jobs waiting to run (BullMQ: in the shared queue, for the whole fleet).',
      registers,
      async collect() {
        await refresh();
        this.set(latest.queued);
      },
    }),
    runningGauge: new Gauge({
      name: 'imagine_jobs_running',
      help: 'Jobs running (BullMQ: on every worker of the fleet).',
      registers,
      async collect() {
        await refresh();
        this.set(latest.running);
      },
    }),
  };
}
