/**
 * The soak's last check: the bot's `/metrics` (`http://127.0.0.1:<METRICS_PORT>/metrics`) against what the fakes
 * recorded — `imagine_jobs_total{model,kind,outcome}` by outcome (done = an image) and
 * `imagine_upstream_calls_total{model,code}` (one per attempt) against the fake image API's generation requests.
 * A build that does not serve it prints "metrics: not served by this build".
 */
import { request } from 'undici';

const jobsMetric = 'imagine_jobs_total';
const upstreamMetric = 'imagine_upstream_calls_total';
/** The outcome label values that mean "ended with an image". */
const successOutcomes = new Set(['done']);

export interface FakesRecord {
  /** Jobs the fakes saw end with an image / an error reply / nothing. */
  images: number;
  messages: number;
  unanswered: number;
  /** Generation requests the fake image API received. */
  upstreamCalls: number;
}

export interface MetricsComparison {
  served: boolean;
  /** Both counts match the fakes' (undefined when not served). */
  agree?: boolean;
  lines: string[];
}

/** `name{a="x",b="y"} 3` → the labels and the value; other lines (HELP, TYPE, other metrics) are skipped. */
export function samplesOf(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const samples: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ labels, value: Number(match[2]) });
  }
  return samples;
}

function sumBy(samples: ReturnType<typeof samplesOf>, label: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const sample of samples) {
    const key = sample.labels[label] ?? '';
    sums[key] = (sums[key] ?? 0) + sample.value;
  }
  return sums;
}

const total = (sums: Record<string, number>) => Object.values(sums).reduce((sum, value) => sum + value, 0);

/** Scrapes the bot's /metrics and sets its job and upstream-call counters beside what the fakes recorded. */
export async function compareMetrics(port: number, fakes: FakesRecord): Promise<MetricsComparison> {
  let text: string;
  try {
    const answer = await request(`http://127.0.0.1:${port}/metrics`, { headersTimeout: 5000 });
    text = await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode}`);
  } catch {
    return { served: false, lines: ['metrics: not served by this build'] };
  }
  const jobs = sumBy(samplesOf(text, jobsMetric), 'outcome');
  const calls = sumBy(samplesOf(text, upstreamMetric), 'code');
  const succeeded = Object.entries(jobs)
    .filter(([outcome]) => successOutcomes.has(outcome))
    .reduce((sum, [, value]) => sum + value, 0);
  const answered = fakes.images + fakes.messages + fakes.unanswered;
  const agree =
    succeeded === fakes.images && total(jobs) === answered && total(calls) === fakes.upstreamCalls;
  return {
    served: true,
    agree,
    lines: [
      `metrics: ${jobsMetric} by outcome ${JSON.stringify(jobs)} (total ${total(jobs)}) — fakes: ${fakes.images} images, ${fakes.messages} error replies, ${fakes.unanswered} unanswered (total ${answered})`,
      `metrics: ${upstreamMetric} by code ${JSON.stringify(calls)} (total ${total(calls)}) — fake image API: ${fakes.upstreamCalls} generation requests`,
      `metrics: ${agree ? 'agree with the fakes' : 'DISAGREE with the fakes'}`,
    ],
  };
}
