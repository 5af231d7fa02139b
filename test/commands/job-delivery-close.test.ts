import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryStep } from '../../src/commands/delivery.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { consoleOutlet } from '../support/console-destination.js';

describe('a job that posts its own outcome', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('reads nothing more from the store once it posted, so a shutdown right after closes the store quietly', async () => {
    const { app } = harness;
    const steps: DeliveryStep[] = [];
    app.useOutlet(
      consoleOutlet(async (_destination, _reply, step) => {
        steps.push(step);
        return { messageKeys: [] };
      }),
    );
    const context = harness.context({
      destination: async () => ({ platform: 'console', sessionId: 'session-1' }),
    });
    const [reply] = await app.brain.text('a quiet harbour', [], context);
    const jobId = reply?.jobId ?? '';
    expect(reply?.pending).toBe(true);
    // A SIGTERM handled right as the job ends: the store closes before anything else gets to run.
    const closed = new Promise<void>((resolve) => {
      app.services.runner.subscribe(jobId, (event) => {
        if (event.type === 'done') void app.store.close().then(resolve);
      });
    });
    await closed;
    // Whatever the job's end scheduled (a 0 ms timer at most) has run by now.
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(steps).toContain('result');
    expect(harness.logLines.filter((line) => line.includes('after close'))).toEqual([]);
  });
});
