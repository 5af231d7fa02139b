import { createHmac } from 'node:crypto';

/** How Slack signs what it sends: v0, HMAC-SHA256 over `v0:<timestamp>:<raw body>`. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Overrides the computed signature (a bad one). */
  signature?: string;
  headers?: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  text: string;
}

/** POSTs `body` to a bot's `/slack/events` as Slack does. */
export async function signedPost(
  url: string,
  body: string,
  options: SignedPostOptions,
): Promise<SignedResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

export interface SlashCommandFields {
  text: string;
  responseUrl: string;
  team?: string;
  channel?: string;
  user?: string;
  userName?: string;
}

/** The form Slack posts for `/imagine …`. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.team ?? 'T0001',
    team_domain: 'fake',
    channel_id: fields.channel ?? 'C0001',
    channel_name: 'general',
    user_id: fields.user ?? 'U0USER',
    user_name: fields.userName ?? 'alice',
    command: '/imagine',
    text: fields.text,
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: '123.456.abc',
  }).toString();
}

/** An Events API envelope around `event`. */
export function eventBody(event: Record<string, unknown>, eventId: string, team = 'T0001'): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: team,
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_700_000_002,
    authorizations: [{ team_id: team, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    event,
  });
}

export interface ButtonPress {
  actionId: string;
  value: string;
  messageTs: string;
  threadTs?: string;
  responseUrl: string;
  channel?: string;
  user?: string;
  team?: string;
}

/** A block_actions payload (a pressed button), as the `payload` form field. */
export function blockActionsBody(press: ButtonPress): string {
  const channel = press.channel ?? 'C0001';
  const team = press.team ?? 'T0001';
  const payload = {
    type: 'block_actions',
    user: { id: press.user ?? 'U0USER', username: 'alice', team_id: team },
    api_app_id: 'A0APP',
    team: { id: team, domain: 'fake' },
    channel: { id: channel, name: 'general' },
    container: {
      type: 'message',
      message_ts: press.messageTs,
      channel_id: channel,
      is_ephemeral: false,
      ...(press.threadTs !== undefined && { thread_ts: press.threadTs }),
    },
    message: { ts: press.messageTs, type: 'message', text: 'x' },
    trigger_id: '789.012.def',
    response_url: press.responseUrl,
    actions: [
      {
        action_id: press.actionId,
        block_id: 'imagine-buttons',
        type: 'button',
        value: press.value,
        action_ts: '1700000004.1',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A view_submission payload for a modal with one plain-text input. */
export function viewSubmissionBody(fields: {
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  user?: string;
  team?: string;
}): string {
  const team = fields.team ?? 'T0001';
  const payload = {
    type: 'view_submission',
    team: { id: team, domain: 'fake' },
    user: { id: fields.user ?? 'U0USER', username: 'alice', team_id: team },
    api_app_id: 'A0APP',
    trigger_id: '345.678.ghi',
    view: {
      id: 'V0001',
      team_id: team,
      type: 'modal',
      callback_id: fields.callbackId,
      private_metadata: fields.privateMetadata,
      state: { values: fields.values },
      hash: '1700000005.abc',
      title: { type: 'plain_text', text: 'Edit image' },
      blocks: [],
      app_id: 'A0APP',
      bot_id: 'B0BOT',
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
