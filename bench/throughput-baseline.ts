/**
 * The throughput bench's baseline, alone in a fresh process (forked by throughput.ts): what this machine allows
 * with no bot at all. A bare undici client — an Agent with keep-alive, as the bot's image client has — sends the
 * bot's own generation request (replayed from the image API's record of the bot's warm-up) through N slots, each
 * slot sending the next request as soon as the answer before it has been read and parsed. The same image API, the
 * same latency fault, measured at the image API the same way as the bot.
 * IPC: parent → `{ type: 'warm-up', … }` → child answers `warm` (the Agent's connections are open) → parent sets
 * the latency fault → `{ type: 'go' }` → child answers `done`.
 */
import { Agent, request } from 'undici';
import { z } from 'zod';
import { traceImageCalls } from './call-trace.js';

export const baselineWarmUpSchema = z.object({
  type: z.literal('warm-up'),
  url: z.string().url(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  jobs: z.number().int().min(1),
  slots: z.number().int().min(1),
});
export const baselineWarmSchema = z.object({ type: z.literal('warm') });
export const baselineDoneSchema = z.object({ type: z.literal('done'), failures: z.number().int() });
const goSchema = z.object({ type: z.literal('go') });

type Call = z.infer<typeof baselineWarmUpSchema>;

/** The parent's next message, as `schema` says it must be. */
function fromParent<T>(schema: z.ZodType<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    process.once('message', (message: unknown) => {
      const parsed = schema.safeParse(message);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`unexpected message from the bench: ${parsed.error.message}`));
    });
  });
}

/** One generation: false when the API did not answer 200 with a JSON body. */
async function generate(dispatcher: Agent, call: Call): Promise<boolean> {
  const answer = await request(call.url, {
    method: 'POST',
    dispatcher,
    headers: { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) },
    body: call.body,
  });
  if (answer.statusCode !== 200) {
    await answer.body.dump();
    return false;
  }
  await answer.body.json();
  return true;
}

async function main(): Promise<void> {
  const call = await fromParent(baselineWarmUpSchema);
  const trace = process.env.BENCH_CALL_TRACE === '1' ? traceImageCalls(call.slots) : undefined;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  // One connection per slot, open before the clock starts (the bot's warm-up opened some of its own too).
  const warm = await Promise.all(Array.from({ length: call.slots }, () => generate(dispatcher, call)));
  trace?.forget();
  process.send?.({ type: 'warm' });
  await fromParent(goSchema);
  let next = 0;
  let failures = warm.filter((ok) => !ok).length;
  const slot = async () => {
    while (next < call.jobs) {
      next += 1;
      if (!(await generate(dispatcher, call))) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: call.slots }, slot));
  if (trace !== undefined) console.error(`baseline ${trace.summary()}`);
  process.send?.({ type: 'done', failures });
  await dispatcher.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
