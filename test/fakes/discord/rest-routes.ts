import type { RecordedFile } from './fake-state.js';
import type { AttachmentObject, MessageObject } from './payloads.js';
import { applicationId, botUser, type DiscordWorld } from './world.js';

export interface RestRequest {
  method: string;
  /** Decoded, without `/api/v10`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
}

export interface RestAnswer {
  status: number;
  body?: unknown;
}

/** An interaction the fake sent: where its responses land. */
export interface SentInteraction {
  id: string;
  token: string;
  channelId: string;
  callbacks: number;
}

const notFound = (message: string, code: number): RestAnswer => ({ status: 404, body: { message, code } });

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;
}

/** The message fields a create or edit body sets (content, components, attachments with their uploads). */
function applyBody(
  world: DiscordWorld,
  message: MessageObject,
  request: RestRequest,
  previous: AttachmentObject[],
): void {
  const content = field(request.body, 'content');
  if (typeof content === 'string') message.content = content;
  const components = field(request.body, 'components');
  if (Array.isArray(components)) message.components = components;
  const flags = field(request.body, 'flags');
  if (typeof flags === 'number') message.flags = flags;
  const attachments = field(request.body, 'attachments');
  if (!Array.isArray(attachments)) {
    if (request.files.length > 0) message.attachments = uploads(world, message.id, request.files);
    return;
  }
  const kept: AttachmentObject[] = [];
  for (const entry of attachments) {
    const id = String(field(entry, 'id'));
    const existing = previous.find((attachment) => attachment.id === id);
    if (existing) {
      kept.push(existing);
      continue;
    }
    const file = request.files.find((candidate) => candidate.field === `files[${id}]`);
    if (!file) continue;
    const uploaded = world.attachment(message.id, file.name, file.bytes, file.contentType);
    const description = field(entry, 'description');
    kept.push(typeof description === 'string' ? { ...uploaded, description } : uploaded);
  }
  message.attachments = kept;
}

function uploads(world: DiscordWorld, messageId: string, files: RecordedFile[]): AttachmentObject[] {
  return files.map((file) => world.attachment(messageId, file.name, file.bytes, file.contentType));
}

function createMessage(world: DiscordWorld, channelId: string, request: RestRequest, webhook: boolean) {
  const reference = field(field(request.body, 'message_reference'), 'message_id');
  const message = world.addMessage({
    id: world.newMessageId(),
    channelId,
    guildId: world.guildOf(channelId),
    author: botUser,
    ...(webhook && { webhookId: applicationId }),
    ...(typeof reference === 'string' && { reference }),
  });
  applyBody(world, message, request, []);
  return message;
}

/** The REST routes discord.js calls (platform-notes §3), answered from `world`. */
export function handleRest(
  world: DiscordWorld,
  interactions: Map<string, SentInteraction>,
  request: RestRequest,
  gatewayUrl: string,
): RestAnswer {
  const { method, path } = request;
  const route = `${method} ${path}`;
  if (route === 'GET /gateway/bot') {
    return {
      status: 200,
      body: {
        url: gatewayUrl,
        shards: world.shards,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 14_400_000,
          max_concurrency: world.maxConcurrency,
        },
      },
    };
  }
  if (route === 'GET /applications/@me') {
    return {
      status: 200,
      body: { id: applicationId, name: 'imagine-bot', flags: world.applicationFlags, bot_public: true },
    };
  }
  const commands = /^PUT \/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(route);
  if (commands) {
    const list = Array.isArray(request.body) ? request.body : [];
    return {
      status: 200,
      body: list.map((command: unknown) => ({
        ...(typeof command === 'object' && command),
        id: world.newMessageId(),
        application_id: commands[1],
        ...(commands[2] && { guild_id: commands[2] }),
        version: '1',
      })),
    };
  }
  const callback = /^POST \/interactions\/(\d+)\/([^/]+)\/callback$/.exec(route);
  if (callback) {
    const sent = interactions.get(callback[2] ?? '');
    if (!sent) return notFound('Unknown interaction', 10062);
    sent.callbacks += 1;
    if (sent.callbacks > 1) {
      return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    }
    return { status: 204 };
  }
  const webhook = /^(\w+) \/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(route);
  if (webhook) return webhookRoute(world, interactions, request, webhook[3] ?? '', webhook[4]);
  const channelMessage = /^(\w+) \/channels\/(\d+)\/messages(?:\/(\d+))?$/.exec(route);
  if (channelMessage) return channelMessageRoute(world, request, channelMessage[2] ?? '', channelMessage[3]);
  const thread = /^POST \/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(route);
  if (thread) {
    const [, channelId = '', messageId = ''] = thread;
    if (!world.messages.has(messageId)) return notFound('Unknown Message', 10008);
    const name = field(request.body, 'name');
    const created = world.addThread(messageId, channelId, typeof name === 'string' ? name : '', botUser.id);
    return { status: 201, body: created };
  }
  if (/^(PUT|DELETE) \/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/.test(route))
    return { status: 204 };
  if (/^POST \/channels\/\d+\/typing$/.test(route)) return { status: 204 };
  const channel = /^GET \/channels\/(\d+)$/.exec(route);
  if (channel) {
    const found = world.channels.get(channel[1] ?? '');
    return found ? { status: 200, body: found } : notFound('Unknown Channel', 10003);
  }
  return notFound('404: Not Found', 0);
}

function webhookRoute(
  world: DiscordWorld,
  interactions: Map<string, SentInteraction>,
  request: RestRequest,
  token: string,
  target: string | undefined,
): RestAnswer {
  const sent = interactions.get(token);
  if (!sent) return notFound('Unknown Webhook', 10015);
  if (target === undefined) {
    if (request.method !== 'POST') return notFound('404: Not Found', 0);
    return { status: 200, body: createMessage(world, sent.channelId, request, true) };
  }
  const messageId = target === '@original' ? world.originals.get(token) : target;
  const existing = messageId ? world.messages.get(messageId) : undefined;
  if (request.method === 'PATCH') {
    if (existing) {
      applyBody(world, existing, request, existing.attachments);
      return { status: 200, body: existing };
    }
    if (target !== '@original') return notFound('Unknown Message', 10008);
    // The deferred "thinking" message becomes the original response on its first edit.
    const created = createMessage(world, sent.channelId, request, true);
    world.originals.set(token, created.id);
    return { status: 200, body: created };
  }
  if (!existing) return notFound('Unknown Message', 10008);
  if (request.method === 'GET') return { status: 200, body: existing };
  if (request.method === 'DELETE') {
    world.messages.delete(existing.id);
    return { status: 204 };
  }
  return notFound('404: Not Found', 0);
}

function channelMessageRoute(
  world: DiscordWorld,
  request: RestRequest,
  channelId: string,
  messageId: string | undefined,
): RestAnswer {
  if (!world.channels.has(channelId)) return notFound('Unknown Channel', 10003);
  if (messageId === undefined) {
    if (request.method !== 'POST') return notFound('404: Not Found', 0);
    return { status: 200, body: createMessage(world, channelId, request, false) };
  }
  const existing = world.messages.get(messageId);
  if (!existing || existing.channel_id !== channelId) return notFound('Unknown Message', 10008);
  if (request.method === 'GET') return { status: 200, body: existing };
  if (request.method === 'PATCH') {
    applyBody(world, existing, request, existing.attachments);
    return { status: 200, body: existing };
  }
  if (request.method === 'DELETE') {
    world.messages.delete(messageId);
    return { status: 204 };
  }
  return notFound('404: Not Found', 0);
}
