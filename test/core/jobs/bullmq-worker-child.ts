// A worker in its own process for the SIGKILL test: prints "started <id>" when a job starts and never finishes it.
import { createBullmqRunner } from '../../../src/core/jobs/bullmq-runner.js';

const [redisUrl = '', prefix = '', stalledIntervalMs = '500'] = process.argv.slice(2);
await createBullmqRunner({
  redisUrl,
  prefix,
  globalConcurrency: 4,
  stalledIntervalMs: Number(stalledIntervalMs),
  executor: async (jobId) => {
    process.stdout.write(`started ${jobId}\n`);
    await new Promise(() => undefined);
  },
});
process.stdout.write('ready\n');
