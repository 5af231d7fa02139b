import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it, vi } from 'vitest';
import { createAckGate } from '../../../src/bots/slack/ack-gate.js';
import { waitFor } from '../../fakes/slack/index.js';
import { turnCounter } from '../../support/turn-counter.js';

it("holds a request's work while another request still waits for its ack, then runs it", async () => {
  const gate = createAckGate({ maxWaitMs: 60_000, quietMs: 0 });
  const events: string[] = [];
  let held: ServerResponse | undefined;
  const server = createServer((request, response) => {
    gate.track(request, response);
    if (request.url === '/held') {
      held = response;
      events.push('held arrived');
      return;
    }
    response.end('acked');
    void gate.afterAcks().then(() => events.push('work'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const heldAnswer = fetch(`${base}/held`).then((answer) => answer.text());
    await waitFor(() => held !== undefined, 'the held request');
    expect(await (await fetch(`${base}/quick`)).text()).toBe('acked');
    // The quick request is answered, the held one is not: its work waits.
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['held arrived']);
    held?.end('late ack');
    expect(await heldAnswer).toBe('late ack');
    await waitFor(() => events.includes('work'), 'the work after the acks');
    expect(events).toEqual(['held arrived', 'work']);
  } finally {
    server.close();
  }
});

it('runs the work at once when no request is waiting', async () => {
  const gate = createAckGate({ maxWaitMs: 60_000, quietMs: 0 });
  await expect(gate.afterAcks()).resolves.toBeUndefined();
});

it("releases a burst's held work one request per turn of the event loop, so answers can come in between", async () => {
  const gate = createAckGate({ maxWaitMs: 60_000, quietMs: 0 });
  const ran: number[] = [];
  const turns = turnCounter();
  try {
    // Three requests' work queued while nothing waits for an ack: released together, it would run in one turn.
    await Promise.all(
      [0, 1, 2].map((index) => gate.afterAcks().then(() => ran.push(turns.now() * 10 + index))),
    );
  } finally {
    turns.stop();
  }
  expect(ran.map((entry) => entry % 10)).toEqual([0, 1, 2]);
  expect(new Set(ran.map((entry) => Math.floor(entry / 10))).size).toBe(3);
});

it("releases each next request's work at the loop's next turn, not after a timer (one waits at least 1 ms)", async () => {
  // Timers frozen: only the gate's quiet check may wait for one. Had each release waited for a timer too, a burst
  // of 200 commands would spend 200 ms or more just starting its jobs, and the image API's slots would wait.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const gate = createAckGate({ maxWaitMs: 60_000, quietMs: 0 });
    const ran: number[] = [];
    for (const index of [0, 1, 2, 3, 4]) void gate.afterAcks().then(() => ran.push(index));
    await vi.advanceTimersByTimeAsync(0);
    for (let turn = 0; turn < 10; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  } finally {
    vi.useRealTimers();
  }
});
