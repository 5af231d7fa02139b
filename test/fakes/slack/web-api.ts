import type { FakeMessage, SharedFile } from './records.js';

/** The fake's state that Web API methods read and change. */
export interface WebApiState {
  url: string;
  teamId: string;
  botUserId: string;
  botId: string;
  messages: Map<string, FakeMessage>;
  shared: SharedFile[];
  pendingUploads: Map<string, { filename: string; length: number; altText?: string; bytes?: Buffer }>;
  privateFiles: Map<string, Record<string, unknown>>;
  nextNumber(): number;
  socketUrl(): string;
}

export type Answer = Record<string, unknown>;

const messageKey = (channel: string, ts: string) => `${channel}/${ts}`;

function parseJsonArray(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function newTs(state: WebApiState): string {
  const number = state.nextNumber();
  return `${1_700_000_000 + number}.${String(number).padStart(6, '0')}`;
}

/** One Web API method: params in (form fields), Slack's JSON answer out. */
export function answerMethod(state: WebApiState, method: string, params: Record<string, string>): Answer {
  const channel = params.channel ?? params.channel_id ?? '';
  switch (method) {
    case 'auth.test':
      return {
        ok: true,
        url: 'https://fake.slack.com/',
        team: 'Fake',
        user: 'imagine-bot',
        team_id: state.teamId,
        user_id: state.botUserId,
        bot_id: state.botId,
        is_enterprise_install: false,
      };
    case 'apps.connections.open':
      return { ok: true, url: state.socketUrl() };
    case 'chat.postMessage': {
      const ts = newTs(state);
      const message: FakeMessage = {
        channel,
        ts,
        text: params.text ?? '',
        blocks: parseJsonArray(params.blocks),
        ...(params.thread_ts !== undefined && { threadTs: params.thread_ts }),
      };
      state.messages.set(messageKey(channel, ts), message);
      const shown = { type: 'message', text: message.text, user: state.botUserId, bot_id: state.botId, ts };
      return { ok: true, channel, ts, message: shown };
    }
    case 'chat.update': {
      const message = state.messages.get(messageKey(channel, params.ts ?? ''));
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = params.text ?? '';
      message.blocks = parseJsonArray(params.blocks);
      return { ok: true, channel, ts: message.ts, text: message.text };
    }
    case 'chat.delete': {
      const key = messageKey(channel, params.ts ?? '');
      if (!state.messages.delete(key)) return { ok: false, error: 'message_not_found' };
      return { ok: true, channel, ts: params.ts };
    }
    case 'chat.postEphemeral':
      return { ok: true, message_ts: newTs(state) };
    case 'reactions.add':
    case 'reactions.remove':
      return { ok: true };
    case 'views.open':
      return { ok: true, view: { id: `V${state.nextNumber()}`, type: 'modal' } };
    case 'files.info': {
      const file = state.privateFiles.get(params.file ?? '');
      return file ? { ok: true, file } : { ok: false, error: 'file_not_found' };
    }
    case 'files.getUploadURLExternal': {
      const id = `F0OUT${state.nextNumber()}`;
      state.pendingUploads.set(id, {
        filename: params.filename ?? '',
        length: Number(params.length ?? '0'),
        ...(params.alt_text !== undefined && { altText: params.alt_text }),
      });
      return { ok: true, upload_url: `${state.url}/upload/v1/${id}`, file_id: id };
    }
    case 'files.completeUploadExternal':
      return completeUpload(state, params, channel);
    default:
      return { ok: false, error: 'unknown_method' };
  }
}

function completeUpload(state: WebApiState, params: Record<string, string>, channel: string): Answer {
  const files: Answer[] = [];
  for (const entry of parseJsonArray(params.files)) {
    const id = typeof entry === 'object' && entry !== null ? Reflect.get(entry, 'id') : undefined;
    const title = typeof entry === 'object' && entry !== null ? Reflect.get(entry, 'title') : undefined;
    const pending = typeof id === 'string' ? state.pendingUploads.get(id) : undefined;
    if (typeof id !== 'string' || !pending?.bytes) return { ok: false, error: 'file_not_found' };
    state.shared.push({
      id,
      title: typeof title === 'string' ? title : pending.filename,
      channel,
      ...(params.thread_ts !== undefined && { threadTs: params.thread_ts }),
      bytes: pending.bytes,
      filename: pending.filename,
      ...(pending.altText !== undefined && { altText: pending.altText }),
    });
    files.push({ id, title, name: pending.filename });
  }
  return { ok: true, files };
}
