import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryStep, ReplyOutlet } from '../../src/commands/delivery.js';
import { continuingText } from '../../src/commands/job-delivery.js';
import type { Reply } from '../../src/commands/reply.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { type ConsoleDestination, consoleOutlet } from '../support/console-destination.js';

interface Post {
  sessionId: string;
  step: DeliveryStep;
  kind: Reply['kind'];
  text: string;
  images: number;
}

/** A platform that records what jobs post to it (the console destination stands for any platform here). */
function recordingOutlet(posts: Post[]): ReplyOutlet<ConsoleDestination> {
  return consoleOutlet(async (destination, reply, step) => {
    posts.push({
      sessionId: destination.sessionId,
      step,
      kind: reply.kind,
      text: reply.text,
      images: reply.images.length,
    });
    return { messageKeys: [`console:${destination.sessionId}:${posts.length}`] };
  });
}

const destination = (sessionId: string): ConsoleDestination => ({ platform: 'console', sessionId });
const outcomes = (posts: Post[]) => posts.filter((post) => post.step === 'result' || post.step === 'failure');

describe('jobs that post their own replies', () => {
  let harness: Harness;
  let posts: Post[];
  afterEach(async () => {
    await harness.close();
  });

  async function start(env: Record<string, string> = {}) {
    harness = await startHarness({ env: { USER_RATE_LIMIT_PER_MINUTE: '0', USER_DAILY_QUOTA: '5', ...env } });
    posts = [];
    harness.app.useOutlet(recordingOutlet(posts), { progressIntervalMs: 0 });
  }

  const detached = (sessionId: string, userId = 'console:alice') =>
    harness.context({ userId, destination: async () => destination(sessionId) });

  it('answers the command at once with a pending reply, then posts the result at the destination once', async () => {
    await start();
    const replies = await harness.app.brain.text('a red fox', [], detached('s1'));
    expect(replies).toHaveLength(1);
    expect(replies[0]?.pending).toBe(true);
    await harness.app.jobDelivery.idle();

    expect(outcomes(posts)).toStrictEqual([
      { sessionId: 's1', step: 'result', kind: 'result', text: '“a red fox”', images: 1 },
    ]);
    const job = await harness.app.services.jobs.get(replies[0]?.jobId ?? '');
    expect(job?.destination).toStrictEqual(destination('s1'));
    // Posting it again (a retried worker) posts nothing more.
    await harness.app.jobDelivery.finish(job?.id ?? '');
    expect(outcomes(posts)).toHaveLength(1);
  });

  it('links the posted message to the job, so a reply to it edits that image', async () => {
    await start();
    const [reply] = await harness.app.brain.text('a red fox', [], detached('s1'));
    await harness.app.jobDelivery.idle();
    const key = `console:s1:${posts.length}`;
    expect(await harness.app.brain.ownsMessage(key)).toBe(true);
    expect(await harness.app.services.conversations.jobOfMessage(key)).toBe(reply?.jobId);
  });

  it('posts a failure with its short message and gives the quota slot back exactly once', async () => {
    await start({ USER_DAILY_QUOTA: '1' });
    harness.fake.fault({ kind: 'status', status: 400, times: 1 });
    const [reply] = await harness.app.brain.text('a red fox', [], detached('s1'));
    await harness.app.jobDelivery.idle();
    expect(outcomes(posts).map((post) => [post.step, post.kind])).toStrictEqual([['failure', 'error']]);
    // Finishing it again (another process noticing the end) must not refund a second time.
    await harness.app.jobDelivery.finish(reply?.jobId ?? '');
    const usage = await harness.app.services.quotas.usage('console:alice', 'console:general');
    expect(usage.userToday).toBe(0);
    // The one slot is usable again, and only once.
    await harness.app.brain.text('a blue fox', [], detached('s2'));
    await harness.app.jobDelivery.idle();
    expect((await harness.app.services.quotas.usage('console:alice', 'console:general')).userToday).toBe(1);
  });

  it.each([
    {
      what: 'of a platform this process has no outlet for',
      stored: { platform: 'pager', number: '555-0100' },
      message: 'no outlet for a destination; reply dropped',
    },
    {
      what: 'its outlet cannot read (another version wrote it)',
      stored: { platform: 'console', session: 's1' },
      message: 'a job has a destination this version cannot read; its replies are not posted',
    },
  ])(
    'keeps a destination $what in the job record, posts nothing there and says so in the log once a step',
    async ({ stored, message }) => {
      // One slot and two slow calls ahead: the third job shows its queue position twice, then that it runs.
      await start({ IMAGE_API_CONCURRENCY: '1', USER_DAILY_QUOTA: '10' });
      harness.fake.fault({ kind: 'latency', ms: 300, times: 2 });
      // The core stores any destination as it is; only the platform's outlet reads it.
      const context = harness.context({ userId: 'console:alice', destination: async () => stored });
      const other = harness.context({ userId: 'console:bob', destination: async () => stored });
      await harness.app.brain.text('a slow fox', [], context);
      await harness.app.brain.text('a slow owl', [], other);
      const [reply] = await harness.app.brain.text('a red fox', [], context);
      await harness.app.jobDelivery.idle();
      const job = await harness.app.services.jobs.get(reply?.jobId ?? '');
      expect(job?.status).toBe('done');
      expect(job?.destination).toStrictEqual(stored);
      expect(posts).toStrictEqual([]);
      const warnings = harness.logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.msg === message && entry.jobId === job?.id);
      // Progress is tried once (unreadable: never again; no outlet: its platform's pace is 5 s), then the outcome.
      expect(warnings.map((entry) => [entry.platform, entry.step])).toStrictEqual([
        [stored.platform, 'progress'],
        [stored.platform, 'result'],
      ]);
    },
  );

  it('does not call the image API again for a job that already finished: it only posts it', async () => {
    await start();
    const [reply] = await harness.app.brain.text('a red fox', [], detached('s1'));
    await harness.app.jobDelivery.idle();
    const calls = harness.bodies().length;
    const jobId = reply?.jobId ?? '';
    // A worker that died after storing the result but before posting it: the next one runs the job again.
    await harness.app.services.runner.submit({ id: jobId, userId: 'console:alice' });
    await vi.waitFor(
      async () => {
        expect(await harness.app.services.runner.activeJobs('console:alice')).toStrictEqual([]);
      },
      { timeout: 10_000, interval: 10 },
    );
    expect(harness.bodies()).toHaveLength(calls);
    expect(outcomes(posts)).toHaveLength(1);
  });

  it('cancels a queued job from /cancel: its destination says Cancelled once and the slot comes back', async () => {
    await start({ IMAGE_API_CONCURRENCY: '1' });
    harness.fake.fault({ kind: 'latency', ms: 1500, times: 1 });
    await harness.app.brain.text('a slow fox', [], detached('s1', 'console:bob'));
    await vi.waitFor(() => expect(harness.bodies()).toHaveLength(1), { timeout: 10_000, interval: 10 });
    const [queued] = await harness.app.brain.text('a waiting fox', [], detached('s2'));
    const [answer] = await harness.app.brain.text('cancel', [], harness.context());
    expect(answer?.text).toBe('Cancelled your latest request.');
    await harness.app.jobDelivery.idle();

    const cancelled = outcomes(posts).filter((post) => post.sessionId === 's2');
    expect(cancelled.map((post) => [post.step, post.text])).toStrictEqual([
      ['failure', expect.stringMatching(/^Cancelled/)],
    ]);
    expect((await harness.app.services.jobs.get(queued?.jobId ?? ''))?.status).toBe('cancelled');
    expect((await harness.app.services.quotas.usage('console:alice', 'console:general')).userToday).toBe(0);
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['a slow fox']);
  });

  it('tells each resumed job once that it continues after a restart, then posts its result', async () => {
    await start();
    const jobs = harness.app.services.jobs;
    const [reply] = await harness.app.brain.text('a red fox', [], detached('s1'));
    await harness.app.jobDelivery.idle();
    const jobId = reply?.jobId ?? '';
    posts.length = 0;
    await jobs.update(jobId, (job) => ({ ...job, status: 'queued', resultImages: [] }));
    await harness.app.jobDelivery.recovered({
      resumed: [{ id: jobId, userId: 'console:alice' }],
      finished: [],
      failed: [],
    });
    await harness.app.jobDelivery.recovered({
      resumed: [{ id: jobId, userId: 'console:alice' }],
      finished: [],
      failed: [],
    });
    expect(posts.filter((post) => post.step === 'continuing').map((post) => post.text)).toStrictEqual([
      continuingText,
    ]);
  });
});

describe('a job start reads its record once', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('the delivering executor hands the record it read to the core executor, which does not read it again', async () => {
    harness = await startHarness({ env: { USER_RATE_LIMIT_PER_MINUTE: '0' } });
    harness.app.useOutlet(
      consoleOutlet(async (to) => ({ messageKeys: [`console:${to.sessionId}:1`] })),
      { progressIntervalMs: 0 },
    );
    const reads: string[] = [];
    const jobs = harness.app.services.jobs;
    const get = jobs.get.bind(jobs);
    vi.spyOn(jobs, 'get').mockImplementation((id) => {
      reads.push(id);
      return get(id);
    });
    const [reply] = await harness.app.brain.text(
      'a red fox',
      [],
      harness.context({ userId: 'console:alice', destination: async () => destination('s1') }),
    );
    await harness.app.jobDelivery.idle();
    expect(harness.bodies()).toHaveLength(1);
    // Its start, its end, and the posted result's link to the job; a second read at the start would make it 4.
    expect(reads.filter((id) => id === reply?.jobId)).toHaveLength(3);
  });
});
