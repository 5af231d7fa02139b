// The embedded bot in its own process for the SIGKILL test: saves and submits jobs on a SQLite file, prints
// "started <id>" when a job starts and never finishes it.
import { createActiveJobJournal } from '../../../src/core/jobs/active-jobs.js';
import { jobSchema } from '../../../src/core/jobs/job.js';
import { createJobStore } from '../../../src/core/jobs/job-store.js';
import { createLocalRunner } from '../../../src/core/jobs/local-runner.js';
import { createImageBlobs } from '../../../src/core/store/blobs.js';
import { createImageStore } from '../../../src/core/store/create-image-store.js';
import { createStore } from '../../../src/core/store/index.js';

const [storeFile = '', imageFolder = '', ...ids] = process.argv.slice(2);
const store = await createStore(`sqlite://${storeFile}`);
const jobs = createJobStore(store, 3_600_000);
const blobs = createImageBlobs(store, await createImageStore(`file://${imageFolder}`));
const runner = createLocalRunner({
  executor: async (jobId) => {
    process.stdout.write(`started ${jobId}\n`);
    await new Promise(() => undefined);
  },
  globalConcurrency: 1,
  durable: { journal: createActiveJobJournal(store), jobs, blobs },
});
for (const id of ids) {
  await jobs.save(
    jobSchema.parse({
      id,
      kind: 'imagine',
      conversationId: id,
      requester: { id: `user-${id}` },
      channelId: 'console:test',
      options: { model: 'fake', prompt: id },
      userPrompt: id,
      status: 'queued',
      createdAt: 1,
    }),
  );
  await runner.submit({ id, userId: `user-${id}` });
}
