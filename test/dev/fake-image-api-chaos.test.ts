import { afterEach, describe, expect, it } from 'vitest';
import { Chaos, type ChaosKind, chaosKinds } from '../../src/dev/fake-image-api/chaos.js';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { post, solidPng } from './fake-image-api-helpers.js';

const body = { model: 'gpt-image-1', prompt: 'a lighthouse' };
// Kinds that answer at once (a hang would hold the request until the fake closes).
const quickKinds: ChaosKind[] = [
  'rate_limit',
  'server_error',
  'unavailable',
  'content_policy',
  'malformed_json',
  'empty',
];

const started: FakeImageApi[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((api) => api.close()));
});

async function fake(options: Parameters<typeof startFakeImageApi>[0] = {}) {
  const api = await startFakeImageApi({ maxSide: 16, ...options });
  api.setFixedImage(await solidPng('#204080'));
  started.push(api);
  return api;
}

/** Sends `count` generations one after another; the fault each was answered with (or 'none'). */
async function faultsOf(api: FakeImageApi, count: number): Promise<string[]> {
  for (let sent = 0; sent < count; sent += 1) await post(api, body);
  return api.requests.map((request) => request.fault ?? 'none');
}

describe('chaos mode of the fake image API', () => {
  it('fails about its rate of draws, with every kind, the same way for the same seed', () => {
    const draws = (seed: number) => {
      const chaos = new Chaos({ rate: 0.2, seed });
      return Array.from({ length: 5000 }, () => chaos.draw().failure?.kind ?? 'none');
    };
    const first = draws(42);
    const failed = first.filter((kind) => kind !== 'none');
    expect(failed.length / first.length).toBeGreaterThan(0.18);
    expect(failed.length / first.length).toBeLessThan(0.22);
    expect(new Set(failed)).toStrictEqual(new Set(chaosKinds));
    expect(draws(42)).toStrictEqual(first);
    expect(draws(43)).not.toStrictEqual(first);
  });

  it('makes each drawn request wait a seeded random time in latencyMs, failing or not', () => {
    const waits = (seed: number) => {
      const chaos = new Chaos({ rate: 0.5, seed, latencyMs: { min: 100, max: 300 } });
      return Array.from({ length: 2000 }, () => chaos.draw().delayMs);
    };
    const first = waits(3);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...first)).toBeLessThan(300);
    const mean = first.reduce((total, wait) => total + wait, 0) / first.length;
    expect(mean).toBeGreaterThan(190);
    expect(mean).toBeLessThan(210);
    expect(waits(3)).toStrictEqual(first);
    expect(new Chaos({ rate: 0.5, seed: 3 }).draw().delayMs).toBe(0);
  });

  it('set by POST /_fake/chaos, answers its faults over HTTP and counts them; a replay with the seed gives the same', async () => {
    const settings = { rate: 0.25, seed: 9, kinds: quickKinds, retryAfterSeconds: 3 };
    const api = await fake();
    const set = await fetch(`${api.url}/_fake/chaos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    expect(set.status).toBe(200);
    const answers = [];
    for (let sent = 0; sent < 200; sent += 1) answers.push(await post(api, body));
    const faults = api.requests.map((request) => request.fault ?? 'none');
    const failed = faults.filter((fault) => fault !== 'none');
    expect(failed.length).toBeGreaterThan(30);
    expect(failed.length).toBeLessThan(70);
    expect(new Set(failed)).toStrictEqual(new Set(quickKinds.map((kind) => `chaos:${kind}`)));
    // Each recorded fault is what the request was answered with.
    answers.forEach((answer, index) => {
      if (faults[index] === 'chaos:rate_limit') {
        expect(answer.status).toBe(429);
        expect(answer.headers.get('retry-after')).toBe('3');
      }
      if (faults[index] === 'chaos:server_error') expect(answer.status).toBe(500);
      if (faults[index] === 'none') expect(answer.status).toBe(200);
    });
    const stats = await (await fetch(`${api.url}/_fake/chaos`)).json();
    const counted = Object.fromEntries(
      quickKinds.map((kind) => [kind, faults.filter((fault) => fault === `chaos:${kind}`).length]),
    );
    expect(stats).toStrictEqual({ settings, draws: 200, injected: counted });

    const replay = await fake({ chaos: settings });
    expect(await faultsOf(replay, 200)).toStrictEqual(faults);
  });

  it('lets queued faults go first (they draw nothing), and stops on DELETE /_fake/chaos', async () => {
    const api = await fake({ chaos: { rate: 1, seed: 1, kinds: ['server_error'] } });
    api.fault({ kind: 'status', status: 503, times: 2 });
    expect(await faultsOf(api, 3)).toStrictEqual(['status_503', 'status_503', 'chaos:server_error']);
    expect(api.chaosStats()?.draws).toBe(1);
    const cleared = await fetch(`${api.url}/_fake/chaos`, { method: 'DELETE' });
    expect(await cleared.json()).toStrictEqual({ cleared: true });
    expect((await post(api, body)).status).toBe(200);
    expect(api.chaosStats()).toBeUndefined();
  });
});
