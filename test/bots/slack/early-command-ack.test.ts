import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App as BoltApp, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccessPolicy, refusalText } from '../../../src/bots/slack/access.js';
import { boltLogger } from '../../../src/bots/slack/bolt-logger.js';
import { queuedNote } from '../../../src/bots/slack/command-ack.js';
import { createSignedReceiver } from '../../../src/bots/slack/signed-receiver.js';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/core/logger.js';
import { waitFor } from '../../fakes/slack/index.js';
import { signature, slashCommandBody } from '../../fakes/slack/slack-requests.js';

const secret = 'early-ack-signing-secret';

function slackConfig(allowedUsers: readonly string[]) {
  const config = parseConfig({
    IMAGE_API_KEY: 'sk-test',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: secret,
    SLACK_ALLOWED_USERS: allowedUsers.join(','),
  });
  if (config.slack === undefined) throw new Error('Slack is not configured');
  return config.slack;
}

/** A real Bolt app on the signed receiver; its middleware and listener log what they see, in order. */
async function startBolt(options: { allowedUsers?: string[] } = {}) {
  const seen: string[] = [];
  const claims: boolean[] = [];
  const claimed = new Set<string>();
  let releaseWork: () => void = () => undefined;
  const workMayStart = new Promise<void>((resolve) => {
    releaseWork = resolve;
  });
  const logger = createLogger({ level: 'silent' });
  const receiver = createSignedReceiver({
    signingSecret: secret,
    logger,
    boltLogger: boltLogger(logger, LogLevel.ERROR),
    earlyCommandAck: {
      command: '/imagine',
      claimDelivery: async (delivery) => {
        const fresh = !claimed.has(delivery);
        claimed.add(delivery);
        claims.push(fresh);
        return fresh;
      },
      access: createAccessPolicy(slackConfig(options.allowedUsers ?? [])),
      afterAcks: () => workMayStart,
    },
  });
  const bolt = new BoltApp({
    token: 'xoxb-test',
    botId: 'B0TEST',
    botUserId: 'U0BOT',
    tokenVerificationEnabled: false,
    receiver,
    logLevel: LogLevel.ERROR,
  });
  bolt.use(async ({ next }) => {
    seen.push('middleware');
    await next();
  });
  bolt.command('/imagine', async ({ ack, command }) => {
    // Already acked by the receiver: this ack must not reach the HTTP answer.
    await ack({ response_type: 'ephemeral', text: 'acked by the listener' });
    seen.push(`listener: ${command.text}`);
  });
  bolt.command('/other', async ({ ack }) => {
    seen.push('other listener');
    await ack({ response_type: 'ephemeral', text: 'acked by the other listener' });
  });
  const server = (await bolt.start({ port: 0, host: '127.0.0.1' })) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { bolt, url, seen, claims, releaseWork };
}

type Started = Awaited<ReturnType<typeof startBolt>>;

function signedRequest(body: string, timestamp = Math.floor(Date.now() / 1000)): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(secret, timestamp, body),
    },
    body,
  };
}

describe('slash commands acked by the receiver', () => {
  let started: Started | undefined;
  beforeEach(() => {
    started = undefined;
  });
  afterEach(async () => {
    started?.releaseWork();
    await started?.bolt.stop();
  });

  it('acks a signed /imagine with the queued note before any Bolt middleware runs, then runs it once', async () => {
    started = await startBolt();
    const request = signedRequest(slashCommandBody({ text: 'a fox', responseUrl: 'http://127.0.0.1:1/r' }));
    const answer = await fetch(started.url, request);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ response_type: 'ephemeral', text: queuedNote });
    // The ack went out while the app has not seen the command at all.
    expect(started.seen).toEqual([]);
    started.releaseWork();
    const { seen } = started;
    await waitFor(() => seen.length === 2, 'the middleware and the listener');
    expect(seen).toEqual(['middleware', 'listener: a fox']);

    // The same signed bytes again: acked empty, nothing runs.
    const replay = await fetch(started.url, request);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe('');
    expect(started.claims).toEqual([true, false]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['middleware', 'listener: a fox']);
  });

  it('acks a user who is not allowed with the refusal, and a sub-command with nothing', async () => {
    started = await startBolt({ allowedUsers: ['U0ALLOWED'] });
    const refused = await fetch(
      started.url,
      signedRequest(
        slashCommandBody({ text: 'a fox', responseUrl: 'http://127.0.0.1:1/r', user: 'U0OTHER' }),
      ),
    );
    expect(await refused.json()).toEqual({ response_type: 'ephemeral', text: refusalText });
    const help = await fetch(
      started.url,
      signedRequest(
        slashCommandBody({ text: 'help', responseUrl: 'http://127.0.0.1:1/r', user: 'U0ALLOWED' }),
      ),
    );
    expect(help.status).toBe(200);
    expect(await help.text()).toBe('');
    expect(started.seen).toEqual([]);
  });

  it('leaves other commands and bad signatures to Bolt', async () => {
    started = await startBolt();
    const body = slashCommandBody({ text: 'x', responseUrl: 'http://127.0.0.1:1/r' }).replace(
      'command=%2Fimagine',
      'command=%2Fother',
    );
    expect(body).toContain('command=%2Fother');
    const other = await fetch(started.url, signedRequest(body));
    expect(await other.json()).toEqual({ response_type: 'ephemeral', text: 'acked by the other listener' });
    expect(started.seen).toEqual(['middleware', 'other listener']);
    expect(started.claims).toEqual([]);

    const forged = signedRequest(slashCommandBody({ text: 'a fox', responseUrl: 'http://127.0.0.1:1/r' }));
    (forged.headers as Record<string, string>)['x-slack-signature'] = `v0=${'0'.repeat(64)}`;
    expect((await fetch(started.url, forged)).status).toBe(401);
    expect(started.claims).toEqual([]);
  });
});
