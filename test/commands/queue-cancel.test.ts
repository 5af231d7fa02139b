import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../src/core/jobs/job.js';
import { createMemoryImageStore } from '../../src/core/store/memory-image-store.js';
import { type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

const waitForRequests = (harness: Harness, count: number) =>
  vi.waitFor(() => expect(harness.bodies()).toHaveLength(count), { timeout: 10_000, interval: 5 });

/** A context that records progress and resolves `queued` when the job is first reported waiting. */
function watched(harness: Harness, userId: string) {
  const events: ProgressEvent[] = [];
  let markQueued: () => void = () => {};
  const queued = new Promise<void>((resolve) => {
    markQueued = resolve;
  });
  const context = harness.context({
    userId,
    onProgress: (event) => {
      events.push(event);
      if (event.type === 'queued') markQueued();
    },
  });
  return { context, events, queued };
}

describe('the queue', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('tells a second user their place, then that it runs, then that it is done', async () => {
    harness = await startHarness({ env: { IMAGE_API_CONCURRENCY: '1' } });
    harness.fake.fault({ kind: 'latency', ms: 1000 });
    const alice = watched(harness, 'console:alice');
    const bob = watched(harness, 'console:bob');
    const first = harness.app.brain.text('a slow fox', [], alice.context);
    await waitForRequests(harness, 1);
    const second = harness.app.brain.text('a quick cat', [], bob.context);
    const [aliceReplies, bobReplies] = await Promise.all([first, second]);

    const bobReply = onlyReply(bobReplies, 'result');
    const jobId = bobReply.jobId ?? '';
    expect(bob.events).toStrictEqual([
      { jobId, type: 'queued', position: 1 },
      { jobId, type: 'running', elapsedMs: 0 },
      { jobId, type: 'done' },
    ]);
    const aliceJob = onlyReply(aliceReplies, 'result').jobId ?? '';
    expect(alice.events).toStrictEqual([
      { jobId: aliceJob, type: 'running', elapsedMs: 0 },
      { jobId: aliceJob, type: 'done' },
    ]);
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['a slow fox', 'a quick cat']);
    expect(bobReply.images[0]?.bytes).toEqual(harness.fake.images[1]);
  });

  it('sends the next job upstream while the previous one still saves its image (the slot is for the call)', async () => {
    // The real memory image store, its first put held until the test lets it go.
    const images = createMemoryImageStore();
    let releasePut: () => void = () => {};
    const putHeld = new Promise<void>((resolve) => {
      releasePut = resolve;
    });
    let puts = 0;
    const imageStore = {
      ...images,
      async put(hash: string, bytes: Uint8Array, ttlMs: number) {
        puts += 1;
        if (puts === 1) await putHeld;
        await images.put(hash, bytes, ttlMs);
      },
    };
    harness = await startHarness({ env: { IMAGE_API_CONCURRENCY: '1' }, imageStore });
    const alice = watched(harness, 'console:alice');
    const bob = watched(harness, 'console:bob');
    const first = harness.app.brain.text('a slow fox', [], alice.context);
    await waitForRequests(harness, 1);
    const second = harness.app.brain.text('a quick cat', [], bob.context);
    await bob.queued;
    // Alice's image is not saved yet, and Bob's call has already gone upstream.
    await waitForRequests(harness, 2);
    expect(alice.events.map((event) => event.type)).toStrictEqual(['running']);
    releasePut();
    const [aliceReplies, bobReplies] = await Promise.all([first, second]);
    expect(onlyReply(aliceReplies, 'result').images[0]?.bytes).toEqual(harness.fake.images[0]);
    expect(onlyReply(bobReplies, 'result').images[0]?.bytes).toEqual(harness.fake.images[1]);
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['a slow fox', 'a quick cat']);
    await images.close();
  });

  it("holds a user's second job at their cap without holding up anyone else", async () => {
    harness = await startHarness({ env: { IMAGE_API_CONCURRENCY: '4', USER_CONCURRENCY: '1' } });
    harness.fake.fault({ kind: 'latency', ms: 1000 });
    const alice = watched(harness, 'console:alice');
    const first = harness.app.brain.text('alice one', [], alice.context);
    await waitForRequests(harness, 1);
    const aliceSecond = watched(harness, 'console:alice');
    const second = harness.app.brain.text('alice two', [], aliceSecond.context);
    await aliceSecond.queued;
    const bob = await harness.app.brain.text('bob one', [], harness.context({ userId: 'console:bob' }));
    onlyReply(bob, 'result');
    // Bob ran while Alice's first was still held by the fake; her second waited for her first.
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['alice one', 'bob one']);
    onlyReply(await first, 'result');
    onlyReply(await second, 'result');
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['alice one', 'bob one', 'alice two']);
    expect(aliceSecond.events.map((event) => event.type)).toStrictEqual(['queued', 'running', 'done']);
  });
});

describe('cancel', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('cancels my queued job at once, then my running one, and refunds both', async () => {
    harness = await startHarness({ env: { IMAGE_API_CONCURRENCY: '1' } });
    const { app, fake } = harness;
    fake.fault({ kind: 'hang' });
    const running = app.brain.text('a fox that never comes', [], harness.context());
    await waitForRequests(harness, 1);
    const waiting = watched(harness, 'console:alice');
    const queued = app.brain.text('a queued fox', [], waiting.context);
    await waiting.queued;

    const cancelQueued = onlyReply(await app.brain.text('cancel', [], harness.context()), 'info');
    expect(cancelQueued.text).toBe('Cancelled your latest request.');
    const queuedReply = onlyReply(await queued, 'error');
    expect(queuedReply.text).toBe('Cancelled.');
    expect(waiting.events.map((event) => event.type)).toStrictEqual(['queued', 'cancelled']);
    expect((await app.services.jobs.get(queuedReply.jobId ?? ''))?.status).toBe('cancelled');

    const cancelRunning = onlyReply(await app.brain.text('cancel', [], harness.context()), 'info');
    expect(cancelRunning.text).toBe('Cancelled your latest request.');
    const runningReply = onlyReply(await running, 'error');
    expect(runningReply.text).toBe('Cancelled.');
    expect(runningReply.buttons).toStrictEqual([]);
    await vi.waitFor(
      async () => expect((await app.services.jobs.get(runningReply.jobId ?? ''))?.status).toBe('cancelled'),
      { timeout: 10_000, interval: 10 },
    );

    // The queued job never reached the image API, and neither job cost anything.
    expect(harness.bodies().map((body) => body.prompt)).toStrictEqual(['a fox that never comes']);
    const usage = onlyReply(await app.brain.text('usage', [], harness.context()), 'info');
    expect(usage.text).toBe('Today: you 0 of 100 (100 left); this channel 0 (no limit).');
    const nothing = onlyReply(await app.brain.text('cancel', [], harness.context()), 'info');
    expect(nothing.text).toBe('You have nothing queued or running.');

    // The slot the hung call held is free again.
    const after = onlyReply(await app.brain.text('a fox at last', [], harness.context()), 'result');
    expect(after.images[0]?.bytes).toEqual(fake.images[0]);
  });

  it("does not cancel someone else's job", async () => {
    harness = await startHarness({ env: { IMAGE_API_CONCURRENCY: '1' } });
    harness.fake.fault({ kind: 'latency', ms: 500 });
    const running = harness.app.brain.text('alice fox', [], harness.context());
    await waitForRequests(harness, 1);
    const bob = onlyReply(
      await harness.app.brain.text('cancel', [], harness.context({ userId: 'console:bob' })),
      'info',
    );
    expect(bob.text).toBe('You have nothing queued or running.');
    onlyReply(await running, 'result');
  });
});

describe('refunds', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it('gives the quota slot back when no image comes back', async () => {
    harness = await startHarness();
    const usage = async () =>
      onlyReply(await harness.app.brain.text('usage', [], harness.context()), 'info').text;
    harness.fake.fault({ kind: 'content_policy', style: 'openai' });
    onlyReply(await harness.app.brain.text('something forbidden', [], harness.context()), 'error');
    harness.fake.fault({ kind: 'empty' });
    onlyReply(await harness.app.brain.text('something empty', [], harness.context()), 'error');
    expect(await usage()).toBe('Today: you 0 of 100 (100 left); this channel 0 (no limit).');
    onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'result');
    expect(await usage()).toBe('Today: you 1 of 100 (99 left); this channel 1 (no limit).');
  });
});
