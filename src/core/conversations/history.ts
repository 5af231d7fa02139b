import type { Turn } from './conversation.js';

export interface BoundedHistory {
  turns: Turn[];
  /** How many older turns were left out. */
  dropped: number;
}

/**
 * The turns to send as history, oldest first, at most `maxTurns`. The cut keeps whole exchanges: it never starts
 * on a model turn, since a conversation sent to Gemini should open with the user.
 */
export function boundHistory(turns: readonly Turn[], maxTurns: number): BoundedHistory {
  if (turns.length <= maxTurns) return { turns: [...turns], dropped: 0 };
  let start = turns.length - maxTurns;
  while (start < turns.length && turns[start]?.role !== 'user') start += 1;
  return { turns: turns.slice(start), dropped: start };
}

/** The turns up to and including the model turn of `jobId` (an edit that continues from an older result). */
export function turnsUpTo(turns: readonly Turn[], jobId: string): Turn[] {
  const index = turns.findLastIndex((turn) => turn.role === 'model' && turn.jobId === jobId);
  return index === -1 ? [...turns] : turns.slice(0, index + 1);
}
