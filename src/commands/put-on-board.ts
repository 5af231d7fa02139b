import type { Job } from '../core/jobs/job.js';
import { boardEntryOf } from './board-entry.js';
import type { BotServices } from './services.js';

/**
 * Puts a posted result on its channel's team board (once; later calls only add the message link). A store that
 * fails is logged: the result was posted, and the board is not worth failing its delivery for.
 */
export async function putOnBoard(
  services: BotServices,
  job: Job,
  messageUrl: string | undefined,
): Promise<void> {
  const board = services.board;
  if (board === undefined || job.status !== 'done' || job.resultImages.length === 0) return;
  try {
    const expiresAt = (job.finishedAt ?? services.now()) + services.config.imageTtlMs;
    // A new entry carries its link already; one recorded before (the result's first link had no message) gets it.
    const recorded = await board.record(boardEntryOf(job, expiresAt, messageUrl));
    if (!recorded && messageUrl !== undefined) await board.linkMessage(job.id, messageUrl);
  } catch (error) {
    services.events.boardNotRecorded(job, error);
  }
}
