import { describe, expect, it } from 'vitest';
import { jobSignal } from '../../../src/core/jobs/bullmq-job-signal.js';

const cancelMarker = 'imagine:cancelled';

describe("a BullMQ job's executor signal", () => {
  it('is aborted, with its reason, when BullMQ aborted the job before the run got to listen', () => {
    // A cancel that landed while the worker was still taking the user's slot.
    const bullmq = new AbortController();
    bullmq.abort(cancelMarker);
    const signal = jobSignal(bullmq.signal, false, cancelMarker);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(cancelMarker);
  });

  it("is aborted when this instance heard the job's cancel before BullMQ tracked the job", () => {
    const signal = jobSignal(new AbortController().signal, true, cancelMarker);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(cancelMarker);
  });

  it('follows a later abort with its reason (a shutdown hands the job back), and stays open otherwise', () => {
    const bullmq = new AbortController();
    const signal = jobSignal(bullmq.signal, false, cancelMarker);
    expect(signal.aborted).toBe(false);
    bullmq.abort('imagine:handed-back');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('imagine:handed-back');
    expect(jobSignal(undefined, false, cancelMarker).aborted).toBe(false);
  });
});
