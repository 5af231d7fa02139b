/* The soak's figures and the text printed for the README, from what the fakes and the bot's log recorded. */

import type { SoakOptions, SoakRun } from './soak.js';
import type { JobOutcome } from './soak-outcomes.js';

interface Machine {
  before: number[];
  after: number[];
  cpus: number;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const isDuplicate = (job: JobOutcome) => job.resultPosts > 1 || job.imagesPosted > 1 || job.errorPosts > 1;

/** The error replies users saw, by their first words (the texts are fixed per error code). */
function messageKinds(jobs: readonly JobOutcome[]): Record<string, number> {
  return countBy(
    jobs.filter((job) => job.outcome === 'message'),
    (job) => job.lastText.replace(/^(<@\d+>\s*)?(❌\s*)?/, '').slice(0, 48),
  );
}

export function summarize(options: SoakOptions, run: SoakRun, machine: Machine) {
  const jobs = run.report.jobs;
  const outcome = (platform?: string) => {
    const mine = platform === undefined ? jobs : jobs.filter((job) => job.platform === platform);
    const counts = countBy(mine, (job) => job.outcome);
    return {
      image: counts.image ?? 0,
      message: counts.message ?? 0,
      none: counts.none ?? 0,
      all: mine.length,
    };
  };
  const duplicates = jobs.filter(isDuplicate);
  const stale = jobs.filter((job) => job.staleProgress);
  const imageAndError = jobs.filter((job) => job.outcome === 'image' && job.errorPosts > 0);
  // Made, but lost on the way to the user (slackFailureText): a platform fault the bot did not get past.
  const lostToPlatform = jobs.filter((job) =>
    /^(Could not deliver|Slack refused|Slack is rate)/.test(job.lastText),
  );
  const generations = run.upstream.filter((entry) => entry.path.startsWith('/v1/images/generations'));
  const downloads = run.upstream.filter(
    (entry) => entry.method === 'GET' && entry.path.startsWith('/files/'),
  );
  const perJob = jobs.map(
    (job) => generations.filter((entry) => JSON.stringify(entry.body).includes(job.tag)).length,
  );
  const attempts = countBy(perJob, String);
  const faults = countBy(
    generations.filter((entry) => entry.fault !== undefined),
    (entry) => entry.fault ?? '',
  );
  const upstreamPerJob = (generations.length + downloads.length) / Math.max(1, jobs.length);
  const unanswered = jobs.filter((job) => job.outcome === 'none');
  const met =
    unanswered.length === 0 &&
    duplicates.length === 0 &&
    run.unhandledRejections === 0 &&
    !run.crashed &&
    run.failedAcks === 0;
  const figures = {
    met,
    outcomes: { all: outcome(), slack: outcome('slack'), discord: outcome('discord') },
    duplicates: duplicates.length,
    duplicateJobs: duplicates.slice(0, 20),
    staleProgress: stale.length,
    staleJobs: stale.slice(0, 20),
    imageAndError: imageAndError.length,
    lostToPlatform: lostToPlatform.length,
    unansweredJobs: unanswered.slice(0, 20),
    messageKinds: messageKinds(jobs),
    failedAcks: run.failedAcks,
    unhandledRejections: run.unhandledRejections,
    crashed: run.crashed,
    exit: run.exit,
    upstream: {
      generations: generations.length,
      downloads: downloads.length,
      perJob: upstreamPerJob,
      generationsPerJob: attempts,
      faults,
    },
    platformCalls: { slack: run.report.slack, discord: run.report.discord },
    metrics: run.metrics,
    sentMs: run.sentMs,
    answeredMs: run.answeredMs,
    loadavg: { before: machine.before, after: machine.after },
  };
  const all = figures.outcomes.all;
  const row = (name: string, counts: ReturnType<typeof outcome>) =>
    `| ${name} | ${counts.all} | ${counts.image} | ${counts.message} | **${counts.none}** |`;
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  const text = [
    `${options.jobs} jobs (${all.all} seen at the fakes), ${options.perSecond}/s, IMAGE_API_CONCURRENCY=${options.concurrency}, IMAGE_API_TIMEOUT_MS=${options.timeoutMs}; image API answers in 0.1–${options.latencyMaxMs / 1000} s, faults ${options.imageFaultRate * 100}% (seed ${options.seed}), platform faults ${options.platformFaultRate * 100}%; ${machine.cpus} CPUs, load average ${load(machine.before)} before, ${load(machine.after)} after.`,
    `Sent in ${(run.sentMs / 1000).toFixed(0)} s; every job answered ${(run.answeredMs / 1000).toFixed(0)} s after the first was sent.`,
    '',
    '| jobs | sent | ended in an image | in an error reply | with no answer |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('Slack', figures.outcomes.slack),
    row('Discord', figures.outcomes.discord),
    row('all', all),
    '',
    `Duplicate posts (a job's result or error posted twice): **${duplicates.length}**${
      duplicates.length > 0
        ? ` (${duplicates
            .map((job) => job.tag)
            .slice(0, 10)
            .join(', ')})`
        : ''
    }.`,
    `Progress left over a result (the note or caption still "Queued"/"Working…"): ${stale.length}${
      stale.length > 0
        ? ` (${stale
            .map((job) => job.tag)
            .slice(0, 10)
            .join(', ')})`
        : ''
    }. Jobs with an image and an error reply: ${imageAndError.length}.`,
    `Results lost to a platform fault (the user read "Could not deliver the result…"): ${lostToPlatform.length}.`,
    `Unhandled rejections in the bot process: **${run.unhandledRejections}**; the bot ${run.crashed ? 'CRASHED' : 'ran throughout'} and exited ${run.exit} on SIGTERM. Failed acks: ${run.failedAcks}.`,
    `Upstream calls per job: ${upstreamPerJob.toFixed(2)} (${generations.length} generation requests, ${downloads.length} URL downloads); generation requests per job: ${JSON.stringify(attempts)}.`,
    `Image API faults injected: ${JSON.stringify(faults)}.`,
    `Platform calls: Slack ${run.report.slack.calls} (chaos ${JSON.stringify(run.report.slack.chaos?.injected ?? {})}), Discord ${run.report.discord.calls} (chaos ${JSON.stringify(run.report.discord.chaos?.injected ?? {})}).`,
    `Error replies seen: ${JSON.stringify(figures.messageKinds)}.`,
    ...(unanswered.length > 0
      ? [
          `Unanswered: ${unanswered
            .map((job) => `${job.tag} (last: ${job.lastText || '—'})`)
            .slice(0, 10)
            .join('; ')}.`,
        ]
      : []),
    ...run.metrics.lines,
    ...(run.otherOutput.length > 0
      ? ['Bot output other than log lines:', ...run.otherOutput.slice(0, 10)]
      : []),
    '',
    `Targets: no answer 0, duplicates 0, unhandled rejections 0: ${met ? 'met' : 'MISSED'}.`,
  ].join('\n');
  return { text, figures };
}
