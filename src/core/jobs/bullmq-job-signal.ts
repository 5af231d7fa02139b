/**
 * The signal a BullMQ job's executor runs under. Aborted when BullMQ aborts the job (a cancel, a shutdown) — also
 * when that happened before the run listened (a cancel that arrived while the worker was taking the user's slot:
 * a listener added to an aborted signal never hears it) — or when this instance heard the job's cancel before
 * BullMQ tracked the job (`cancelJob` then had nothing to abort).
 */
export function jobSignal(
  bullmq: AbortSignal | undefined,
  heardCancel: boolean,
  cancelReason: string,
): AbortSignal {
  const here = heardCancel ? AbortSignal.abort(cancelReason) : new AbortController().signal;
  return bullmq === undefined ? here : AbortSignal.any([bullmq, here]);
}
