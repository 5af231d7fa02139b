import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeJsonStream } from '../../../src/core/client/response-decoder.js';
import { createTurnBudget } from '../../../src/core/client/turn-budget.js';
import { releaseReadBuffer } from '../../../src/core/net/read-buffers.js';
import { turnCounter } from '../../support/turn-counter.js';

const chunkBytes = 64 * 1024;

function bufferedStream(chunks: readonly Buffer[]): Readable {
  const stream = new Readable({ read() {} });
  for (const chunk of chunks) stream.push(chunk);
  stream.push(null);
  return stream;
}

describe('the per-turn budget of answer parsing', () => {
  it('spreads three answers over turns: no turn parses much more than the budget, every byte arrives in order', async () => {
    const budget = createTurnBudget(4 * chunkBytes);
    const answers = [0, 1, 2].map(() => Array.from({ length: 24 }, () => randomBytes(chunkBytes)));
    const turns = turnCounter();
    const perTurn = new Map<number, number>();
    const received = answers.map(() => [] as Buffer[]);
    await Promise.all(
      answers.map((chunks, index) =>
        budget.consume(bufferedStream(chunks), (chunk) => {
          received[index]?.push(Buffer.from(chunk));
          perTurn.set(turns.now(), (perTurn.get(turns.now()) ?? 0) + chunk.byteLength);
        }),
      ),
    );
    turns.stop();
    answers.forEach((chunks, index) => {
      expect(Buffer.concat(received[index] ?? []).equals(Buffer.concat(chunks))).toBe(true);
    });
    // At most the budget, plus the one chunk each paused answer takes before it sees the budget is gone.
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(4 * chunkBytes + 3 * chunkBytes);
    expect(perTurn.size).toBeGreaterThanOrEqual((3 * 24 * chunkBytes) / (7 * chunkBytes));
  });

  it('decodes a big base64 answer paced over turns to the same bytes', async () => {
    const image = randomBytes(3 * 1024 * 1024);
    const text = Buffer.from(`{"data":[{"b64_json":"${image.toString('base64')}"}]}`);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < text.length; offset += chunkBytes)
      chunks.push(text.subarray(offset, offset + chunkBytes));
    const turns = turnCounter();
    const value = (await decodeJsonStream(bufferedStream(chunks), {
      contentLength: text.length,
      turnBudget: createTurnBudget(chunkBytes * 2),
    })) as { data: { b64_json: Buffer }[] };
    turns.stop();
    expect(value.data[0]?.b64_json.equals(image)).toBe(true);
    expect(turns.now()).toBeGreaterThanOrEqual(Math.floor(chunks.length / 3));
  });

  it('counts the bytes of a chunk that take released (emptied) as it parsed it', async () => {
    const budget = createTurnBudget(4 * chunkBytes);
    const chunks = Array.from({ length: 24 }, () => Buffer.from(randomBytes(chunkBytes)));
    const turns = turnCounter();
    let taken = 0;
    await budget.consume(bufferedStream(chunks), (chunk) => {
      taken += chunk.byteLength;
      expect(releaseReadBuffer(chunk)).toBe(true);
    });
    turns.stop();
    expect(taken).toBe(24 * chunkBytes);
    expect(chunks.every((chunk) => chunk.byteLength === 0)).toBe(true);
    // 4 chunks' worth per turn, plus the one a paused answer takes: at least 24 ÷ 5 turns.
    expect(turns.now()).toBeGreaterThanOrEqual(Math.floor(24 / 5));
  });

  it('rejects when take throws, destroying the stream', async () => {
    const stream = bufferedStream([Buffer.from('abc')]);
    const failed = createTurnBudget()
      .consume(stream, () => {
        throw new Error('bad answer');
      })
      .catch((error: unknown) => error);
    expect(await failed).toStrictEqual(new Error('bad answer'));
    expect(stream.destroyed).toBe(true);
  });
});
