/**
 * What fetching one 16 MB image, answered as 22 MB of base64 JSON, costs in CPU and memory: our streaming
 * decoder against the openai SDK and a naive `text()` + `JSON.parse` client. The server and each contender
 * run in their own process so nothing pollutes the measurement.  `npm run bench -- client [--runs N]`
 */

import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { median, waitForMessage } from './bench-support.js';
import { defaultImageBytes } from './fixed-image-server.js';
import {
  type ContenderReport,
  contenderNames,
  contenderReportSchema,
  type RunMeasurement,
} from './measure-contender.js';

const childTimeoutMs = 120_000;
const targetCpuVsOpenai = 0.8;
const targetMemoryVsImage = 2;
const rootDirectory = fileURLToPath(new URL('..', import.meta.url));
const serverFile = fileURLToPath(new URL('./fixed-image-server.ts', import.meta.url));
const contenderFile = fileURLToPath(new URL('./measure-contender.ts', import.meta.url));
const resultsFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const serverReadySchema = z.object({
  type: z.literal('ready'),
  url: z.string(),
  sha256: z.string(),
  imageBytes: z.number(),
});

interface Summary {
  contender: string;
  variant: string;
  cpuMs: number;
  wallMs: number;
  peakHeapBytes: number;
  peakRssBytes: number;
  cpuVsOpenai: number;
  heapVsImage: number;
  rssVsImage: number;
  /** The worst run's peak heap + external, × the image bytes (the target holds in the worst of the runs). */
  worstHeapVsImage: number;
}

function medianOf(runs: readonly RunMeasurement[], field: keyof RunMeasurement): number {
  return median(runs.map((run) => run[field]));
}

function worstOf(runs: readonly RunMeasurement[], field: keyof RunMeasurement): number {
  return Math.max(...runs.map((run) => run[field]));
}

function summarize(reports: readonly ContenderReport[], imageBytes: number): Summary[] {
  const openai = reports.find((report) => report.contender === 'openai');
  const openaiCpu = openai === undefined ? Number.NaN : medianOf(openai.runs, 'cpuMs');
  return reports.map((report) => {
    const cpuMs = medianOf(report.runs, 'cpuMs');
    const peakHeapBytes = medianOf(report.runs, 'peakHeapBytes');
    const peakRssBytes = medianOf(report.runs, 'peakRssBytes');
    return {
      contender: report.contender,
      variant: report.variant,
      cpuMs,
      wallMs: medianOf(report.runs, 'wallMs'),
      peakHeapBytes,
      peakRssBytes,
      cpuVsOpenai: cpuMs / openaiCpu,
      heapVsImage: peakHeapBytes / imageBytes,
      rssVsImage: peakRssBytes / imageBytes,
      worstHeapVsImage: worstOf(report.runs, 'peakHeapBytes') / imageBytes,
    };
  });
}

function markdownTable(summaries: readonly Summary[], imageBytes: number, runs: number): string {
  const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  const lines = [
    `Image ${megabytes(imageBytes)} MB (as ~${megabytes((imageBytes * 4) / 3)} MB base64); median of ${runs} runs.`,
    '',
    '| contender | how | CPU ms | CPU × openai | peak heap+external MB | × image | worst × image | peak RSS MB | × image | wall ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...summaries.map(
      (summary) =>
        `| ${[
          summary.contender,
          summary.variant,
          summary.cpuMs.toFixed(0),
          summary.cpuVsOpenai.toFixed(2),
          megabytes(summary.peakHeapBytes),
          summary.heapVsImage.toFixed(2),
          summary.worstHeapVsImage.toFixed(2),
          megabytes(summary.peakRssBytes),
          summary.rssVsImage.toFixed(2),
          summary.wallMs.toFixed(0),
        ].join(' | ')} |`,
    ),
  ];
  const ours = summaries.find((summary) => summary.contender === 'ours');
  if (ours !== undefined) {
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    lines.push(
      '',
      `Targets for ours: CPU ≤ ${targetCpuVsOpenai}× openai: ${verdict(ours.cpuVsOpenai <= targetCpuVsOpenai)}; ` +
        `heap+external ≤ ${targetMemoryVsImage}× image: median ${verdict(ours.heapVsImage <= targetMemoryVsImage)}, ` +
        `worst of ${runs} ${verdict(ours.worstHeapVsImage <= targetMemoryVsImage)}; ` +
        `RSS ≤ ${targetMemoryVsImage}× image: ${verdict(ours.rssVsImage <= targetMemoryVsImage)}.`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      'image-bytes': { type: 'string', default: String(defaultImageBytes) },
    },
  });
  const runs = z.coerce.number().int().min(1).max(50).parse(values.runs);
  const server = fork(serverFile, ['--image-bytes', values['image-bytes']], {
    cwd: rootDirectory,
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  try {
    const ready = await waitForMessage(server, serverReadySchema, 'the image server', childTimeoutMs);
    const reports: ContenderReport[] = [];
    for (const contender of contenderNames) {
      console.error(`measuring ${contender}: 1 warm-up + ${runs} runs…`);
      const child = fork(
        contenderFile,
        ['--contender', contender, '--url', ready.url, '--sha256', ready.sha256, '--runs', String(runs)],
        { cwd: rootDirectory, execArgv: ['--expose-gc', '--import', 'tsx'], stdio: 'inherit' },
      );
      reports.push(
        await waitForMessage(child, contenderReportSchema, `the ${contender} contender`, childTimeoutMs),
      );
    }
    const summaries = summarize(reports, ready.imageBytes);
    console.log(markdownTable(summaries, ready.imageBytes, runs));
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    const machine = { node: process.version, cpus: cpus().length, platform: process.platform };
    const results = {
      generatedAt: new Date().toISOString(),
      machine,
      imageBytes: ready.imageBytes,
      runs,
      summaries,
      reports,
    };
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    server.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
