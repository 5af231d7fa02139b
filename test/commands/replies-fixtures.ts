import { type Job, jobSchema } from '../../src/core/jobs/job.js';

/** A finished job as the store would hold it; override what a test is about. */
export function makeJob(overrides: Partial<Job> = {}): Job {
  return jobSchema.parse({
    id: 'job123',
    kind: 'imagine',
    conversationId: 'job123',
    requester: { id: 'discord:42', name: 'ada' },
    channelId: 'discord:7',
    options: { model: 'gemini-3-pro-image-preview', prompt: 'a red fox' },
    userPrompt: 'a red fox',
    status: 'done',
    createdAt: 1_700_000_000_000,
    ...overrides,
  });
}
