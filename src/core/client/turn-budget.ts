import { finished, type Readable } from 'node:stream';

/**
 * How much of the image API's answers all streams together may parse in one turn of the event loop. Twenty
 * answers of 60 MB arriving at once would otherwise each be read as far as the socket has data — megabytes per
 * socket, all in one poll phase — and hold every timer and request (a Slack ack, a probe) for a tenth of a second.
 * About 2 ms of parsing and decoding.
 */
export const defaultTurnBudgetBytes = 2 * 1024 * 1024;

export interface TurnBudget {
  /**
   * Reads `stream` in flowing mode, handing each chunk to `take` as it is pushed. Once this turn's bytes are
   * spent, the stream pauses until a later turn (its own buffer then fills to its high-water mark and the
   * socket stops being read), and the streams waiting resume in turn, first paused first.
   */
  consume(stream: Readable, take: (chunk: Uint8Array) => void): Promise<void>;
}

export function createTurnBudget(budgetBytes = defaultTurnBudgetBytes): TurnBudget {
  let spent = 0;
  let turnScheduled = false;
  const paused: Readable[] = [];

  function newTurn(): void {
    spent = 0;
    turnScheduled = false;
    // Each resumed stream spends from the new turn's budget and pauses again once it is gone.
    for (const stream of paused.splice(0)) if (!stream.destroyed) stream.resume();
  }

  function spend(bytes: number): boolean {
    spent += bytes;
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(newTurn);
    }
    return spent < budgetBytes;
  }

  return {
    consume(stream, take) {
      return new Promise((resolve, reject) => {
        stream.on('data', (chunk: Uint8Array) => {
          // Read first: `take` may release the chunk's memory, which empties it.
          const bytes = chunk.byteLength;
          try {
            take(chunk);
          } catch (error) {
            reject(error);
            stream.destroy();
            return;
          }
          if (!spend(bytes) && !stream.isPaused()) {
            stream.pause();
            paused.push(stream);
          }
        });
        finished(stream, (error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/** One budget for the whole process: the event loop is shared by every answer. */
export const processTurnBudget: TurnBudget = createTurnBudget();
