import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBoltApp } from '../../../src/bots/slack/bolt-app.js';
import { BufferedResponse } from '../../../src/bots/slack/buffered-response.js';
import { leanFetch } from '../../../src/bots/slack/lean-fetch.js';
import { createLogger } from '../../../src/core/logger.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack/index.js';

describe('leanFetch (the Slack clients’ fetch, on undici.request)', () => {
  let slack: FakeSlack;
  let globalFetchCalls: number;
  beforeEach(async () => {
    slack = await startFakeSlack();
    globalFetchCalls = 0;
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => {
      globalFetchCalls += 1;
      return realFetch(...args);
    });
  });
  afterEach(async () => {
    vi.unstubAllGlobals();
    await slack.close();
  });

  it('carries the Web API client’s calls: form body, bot token, JSON answer; never the global fetch', async () => {
    const client = new webApi.WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      fetch: leanFetch,
    });
    const posted = await client.chat.postMessage({
      channel: 'C0001',
      text: 'a red fox',
      unfurl_links: false,
    });
    expect(posted.ok).toBe(true);
    expect(posted.ts).toEqual(expect.any(String));
    const [call] = slack.calls('chat.postMessage');
    expect(call?.params).toEqual({ channel: 'C0001', text: 'a red fox', unfurl_links: 'false' });
    expect(call?.authorization).toBe(`Bearer ${slack.botToken}`);
    expect(globalFetchCalls).toBe(0);
  });

  it('hands the client a 429 with its Retry-After, and a failed status with its body', async () => {
    const client = new webApi.WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      fetch: leanFetch,
    });
    slack.fault({ method: 'reactions.add', kind: 'ratelimited', retryAfterSeconds: 7 });
    await expect(
      client.reactions.add({ channel: 'C0001', timestamp: '1.2', name: 'fox' }),
    ).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    slack.fault({ method: 'chat.update', kind: 'status', status: 503 });
    await expect(client.chat.update({ channel: 'C0001', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 503,
      body: 'fake Slack failure',
    });
    expect(globalFetchCalls).toBe(0);
  });

  it('sends headers given as Headers, as pairs or as a plain object whose names differ only in case', async () => {
    const form = 'Content-Type';
    const bodies = ['channel=C0001&text=one', 'channel=C0001&text=two', 'channel=C0001&text=three'];
    const headerForms: ConstructorParameters<typeof Headers>[0][] = [
      new Headers({ Authorization: `Bearer ${slack.botToken}`, [form]: 'application/x-www-form-urlencoded' }),
      [
        ['authorization', `Bearer ${slack.botToken}`],
        [form, 'application/x-www-form-urlencoded'],
      ],
      {
        Authorization: `Bearer ${slack.botToken}`,
        [form]: 'application/x-www-form-urlencoded',
        'X-Trace': 'a',
        'x-trace': 'b',
      },
    ];
    for (const [index, headers] of headerForms.entries()) {
      const answer = await leanFetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers,
        body: bodies[index],
      });
      expect(await answer.json()).toMatchObject({ ok: true });
    }
    const calls = slack.calls('chat.postMessage');
    expect(calls.map((call) => call.params.text)).toEqual(['one', 'two', 'three']);
    expect(calls.map((call) => call.authorization)).toEqual(Array(3).fill(`Bearer ${slack.botToken}`));
  });

  it('posts JSON to a response_url and reports its status (Bolt’s respond), and the bot’s app uses it', async () => {
    const responseUrl = slack.responseUrl();
    const answer = await leanFetch(responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'queued: 3rd' }),
    });
    expect(answer.ok).toBe(true);
    expect(await answer.text()).toBe('ok');
    expect(slack.responses().map((entry) => entry.body)).toEqual([{ text: 'queued: 3rd' }]);
    expect(globalFetchCalls).toBe(0);

    const { bolt: app } = await createBoltApp({
      slack: {
        botToken: slack.botToken,
        signingSecret: 'secret',
        apiUrl: slack.apiUrl,
        port: 0,
        allowedTeams: [],
        allowedChannels: [],
        allowedUsers: [],
        adminUsers: [],
      },
      logger: createLogger({ level: 'silent' }),
      logLevel: 'silent',
    });
    globalFetchCalls = 0; // the start-up check (auth.test) has a client of its own
    await app.client.chat.postMessage({ channel: 'C0001', text: 'from the app' });
    expect(slack.calls('chat.postMessage').map((call) => call.params.text)).toEqual(['from the app']);
    expect(globalFetchCalls).toBe(0);
  });
});

describe('BufferedResponse (what leanFetch answers with)', () => {
  const json = new TextEncoder().encode('{"ok":true,"ts":"1.2"}');
  const headers = { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-absent': undefined };

  it('is a real Response: status, ok, url, headers (repeated ones kept) and its body read once', async () => {
    const response = new BufferedResponse(json, 200, headers, 'http://127.0.0.1/api/chat.postMessage');
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.ok, response.statusText, response.type]).toEqual([
      200,
      true,
      '',
      'default',
    ]);
    expect(response.url).toBe('http://127.0.0.1/api/chat.postMessage');
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.has('x-absent')).toBe(false);
    expect(response.bodyUsed).toBe(false);
    expect(await response.clone().json()).toEqual({ ok: true, ts: '1.2' });
    expect(await response.text()).toBe('{"ok":true,"ts":"1.2"}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.arrayBuffer()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
  });

  it('gives its bytes as a stream, a blob or an ArrayBuffer, and nothing for a 204', async () => {
    const streamed = new BufferedResponse(json, 200, headers, 'http://127.0.0.1/');
    const stream = streamed.body;
    expect(streamed.body).toBe(stream);
    expect(streamed.bodyUsed).toBe(true);
    expect(await new Response(stream).text()).toBe('{"ok":true,"ts":"1.2"}');
    const blob = await new BufferedResponse(json, 200, headers, 'http://127.0.0.1/').blob();
    expect([blob.type, await blob.text()]).toEqual(['application/json', '{"ok":true,"ts":"1.2"}']);
    const buffer = await new BufferedResponse(json, 503, {}, 'http://127.0.0.1/').arrayBuffer();
    expect(new TextDecoder().decode(buffer)).toBe('{"ok":true,"ts":"1.2"}');
    const empty = new BufferedResponse(null, 204, {}, 'http://127.0.0.1/');
    expect([empty.body, empty.ok, await empty.text()]).toEqual([null, true, '']);
  });
});
