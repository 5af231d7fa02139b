/* What the benches that drive the bot over Slack's HTTP mode share: signed slash commands, sent at once, and the fake image API's faults. */
import { performance } from 'node:perf_hooks';
import { type Agent, request } from 'undici';
import { signature, slashCommandBody } from '../test/fakes/slack/slack-requests.js';
import { benchSigningSecret } from './ack-contender.js';

export interface SignedCommand {
  body: string;
  headers: Record<string, string>;
}

let commandNumber = 0;

/** A signed `/imagine` from its own user (so no per-user limit refuses it), ready to send. */
export function signedCommand(slackUrl: string, text: string): SignedCommand {
  commandNumber += 1;
  const body = slashCommandBody({
    text: `${text} ${commandNumber}`,
    user: `U0BENCH${commandNumber}`,
    responseUrl: `${slackUrl}/respond/${commandNumber}`,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature(benchSigningSecret, timestamp, body),
  };
  return { body, headers };
}

/** Clears (DELETE) or queues (POST) faults of the fake image API. */
export async function fakeFaults(
  dispatcher: Agent,
  imagesUrl: string,
  method: 'DELETE' | 'POST',
  fault?: object,
) {
  const answer = await request(`${imagesUrl}/_fake/faults`, {
    method,
    dispatcher,
    ...(fault && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) }),
  });
  await answer.body.dump();
  if (answer.statusCode !== 200)
    throw new Error(`the fake image API answered ${answer.statusCode} to ${method} faults`);
}

/** Sends every command at once; each latency runs from its dispatch to its answer's headers. */
export async function burst(dispatcher: Agent, url: string, commands: SignedCommand[]) {
  let failures = 0;
  const latencies = await Promise.all(
    commands.map(async ({ body, headers }) => {
      const sentAt = performance.now();
      const answer = await request(url, { method: 'POST', body, headers, dispatcher });
      const latency = performance.now() - sentAt;
      const text = await answer.body.text();
      if (answer.statusCode !== 200 || !text.includes('Queued')) failures += 1;
      return latency;
    }),
  );
  return { latencies, failures };
}
