import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { sentinelKey } from './bot-harness.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('../fixtures/restarted-app.ts', import.meta.url));

export type RestartStep =
  | { kind: 'button'; action: string; jobId: string; userId: string }
  | { kind: 'thread'; threadKey: string; text: string; userId: string };

const printedReplies = z.array(
  z.object({
    kind: z.enum(['result', 'error', 'info']),
    text: z.string(),
    caption: z.string().optional(),
    images: z.array(z.object({ bytes: z.string(), mediaType: z.string() })),
    jobId: z.string().optional(),
  }),
);

/** Runs one step in a new Node process on the same store, against the same fake image API. */
export async function inNewProcess(
  step: RestartStep,
  environment: {
    fakeUrl: string;
    storeUrl: string;
    imageStoreUrl: string;
    namespace?: string;
    /** More variables for the new process (e.g. AWS_ACCESS_KEY_ID for an s3:// image store). */
    env?: Record<string, string>;
  },
) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, JSON.stringify(step)], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      IMAGE_API_BASE_URL: environment.fakeUrl,
      IMAGE_API_KEY: sentinelKey,
      IMAGE_API_MAX_RETRIES: '0',
      STORE_URL: environment.storeUrl,
      IMAGE_STORE_URL: environment.imageStoreUrl,
      ...(environment.namespace && { STORE_NAMESPACE: environment.namespace }),
      ...environment.env,
    },
    timeout: 60_000,
  });
  return printedReplies
    .parse(JSON.parse(stdout))
    .map((reply) => ({ ...reply, images: reply.images.map((image) => Buffer.from(image.bytes, 'base64')) }));
}
