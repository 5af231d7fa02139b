/**
 * One contender of the client benchmark, alone in a fresh process (forked by client-memory-cpu.ts with
 * --expose-gc): a warm-up request, then N measured ones, each checked against the served image's sha256.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { request } from 'undici';
import { z } from 'zod';
import { createImageClient } from '../src/core/client/image-client.js';
import type { RequestPlan } from '../src/core/plan-types.js';

export const contenderNames = ['ours', 'openai', 'naive'] as const;
export type ContenderName = (typeof contenderNames)[number];

export const runMeasurementSchema = z.object({
  /** process.cpuUsage() delta, user + system, all threads of the process. */
  cpuMs: z.number(),
  wallMs: z.number(),
  /** Peak of heapUsed + external over the baseline; `external` already includes every Buffer. */
  peakHeapBytes: z.number(),
  /** Peak of heapUsed + external + arrayBuffers: counts Buffers twice, kept for comparison only. */
  peakHeapPlusArrayBuffersBytes: z.number(),
  peakRssBytes: z.number(),
});
export type RunMeasurement = z.infer<typeof runMeasurementSchema>;

export const contenderReportSchema = z.object({
  type: z.literal('result'),
  contender: z.enum(contenderNames),
  variant: z.string(),
  runs: z.array(runMeasurementSchema),
});
export type ContenderReport = z.infer<typeof contenderReportSchema>;

type FetchImage = () => Promise<Buffer>;
const sampleEveryMs = 2;
const generationBody = JSON.stringify({ model: 'gpt-image-1', prompt: 'bench' });
const textAnswer = z.object({ data: z.array(z.object({ b64_json: z.string() })).min(1) });

function postGeneration(url: string) {
  return request(`${url}/v1/images/generations`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    body: generationBody,
  });
}

async function oursContender(url: string): Promise<{ variant: string; fetchImage: FetchImage }> {
  const client = createImageClient({
    baseUrl: url,
    apiKey: 'bench',
    timeoutMs: 120_000,
    maxRetries: 0,
    concurrency: 1,
  });
  const plan: RequestPlan = {
    modelId: 'gpt-image-1',
    calls: [{ body: { model: 'gpt-image-1', prompt: 'bench' }, expectedImages: 1 }],
    warnings: [],
    sent: {},
  };
  return {
    variant: 'createImageClient().execute()',
    fetchImage: async () => firstImage((await client.execute(plan)).images).bytes,
  };
}

function openaiContender(url: string): FetchImage {
  const openai = new OpenAI({ apiKey: 'bench', baseURL: `${url}/v1`, maxRetries: 0 });
  return async () => {
    const answer = await openai.images.generate({ model: 'gpt-image-1', prompt: 'bench' });
    const base64 = answer.data?.[0]?.b64_json;
    if (base64 === undefined) throw new Error('the openai SDK returned no b64_json');
    return Buffer.from(base64, 'base64');
  };
}

function naiveContender(url: string): FetchImage {
  return async () => {
    const response = await postGeneration(url);
    const answer: unknown = JSON.parse(await response.body.text());
    return Buffer.from(firstImage(textAnswer.parse(answer).data).b64_json, 'base64');
  };
}

async function loadContender(
  name: ContenderName,
  url: string,
): Promise<{ variant: string; fetchImage: FetchImage }> {
  if (name === 'ours') return oursContender(url);
  if (name === 'openai') return { variant: 'openai images.generate()', fetchImage: openaiContender(url) };
  return { variant: 'undici body.text() + JSON.parse', fetchImage: naiveContender(url) };
}

function firstImage<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined) throw new Error('the answer holds no image');
  return first;
}

async function measure(fetchImage: FetchImage, expectedSha256: string): Promise<RunMeasurement> {
  const collect = globalThis.gc;
  if (collect === undefined) throw new Error('run with --expose-gc');
  collect();
  collect();
  const baseline = process.memoryUsage();
  let peakHeap = 0;
  let peakHeapPlusArrayBuffers = 0;
  let peakRss = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed + usage.external);
    peakHeapPlusArrayBuffers = Math.max(
      peakHeapPlusArrayBuffers,
      usage.heapUsed + usage.external + usage.arrayBuffers,
    );
    peakRss = Math.max(peakRss, usage.rss);
  };
  const sampler = setInterval(sample, sampleEveryMs);
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let image: Buffer;
  try {
    image = await fetchImage();
  } finally {
    clearInterval(sampler);
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  sample(); // with the image still held
  const sha256 = createHash('sha256').update(image).digest('hex');
  if (sha256 !== expectedSha256)
    throw new Error(`decoded image differs (sha256 ${sha256}, ${image.length} bytes)`);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    peakHeapBytes: peakHeap - (baseline.heapUsed + baseline.external),
    peakHeapPlusArrayBuffersBytes:
      peakHeapPlusArrayBuffers - (baseline.heapUsed + baseline.external + baseline.arrayBuffers),
    peakRssBytes: peakRss - baseline.rss,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contender: { type: 'string' },
      url: { type: 'string' },
      sha256: { type: 'string' },
      runs: { type: 'string', default: '7' },
    },
  });
  const contender = z.enum(contenderNames).parse(values.contender);
  const url = z.string().url().parse(values.url);
  const sha256 = z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .parse(values.sha256);
  const runs = z.coerce.number().int().min(1).parse(values.runs);
  const { variant, fetchImage } = await loadContender(contender, url);
  await measure(fetchImage, sha256); // warm-up: JIT, connection, allocator
  const measurements: RunMeasurement[] = [];
  for (let run = 0; run < runs; run += 1) measurements.push(await measure(fetchImage, sha256));
  const report: ContenderReport = { type: 'result', contender, variant, runs: measurements };
  if (process.send === undefined) {
    console.log(JSON.stringify(report, null, 2));
    process.exit(0);
  }
  process.send(report, () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
