import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { userObject } from './payloads.js';
import { applicationId, botUser, type DiscordWorld, shardOf } from './world.js';

const frameSchema = z.object({ op: z.number(), d: z.unknown().optional() });
const identifySchema = z.object({
  token: z.string(),
  intents: z.number(),
  /** `[shard_id, num_shards]`; a client that sends none is shard 0 of 1. */
  shard: z.tuple([z.number().int().min(0), z.number().int().min(1)]).optional(),
});
export type Identify = z.infer<typeof identifySchema>;

/** An event the gateway sent to one connection. */
export interface GatewayDelivery {
  /** 1 for the first connection that identified, 2 for the next… */
  session: number;
  shard: [number, number];
  type: string;
  /** The guild the event is about; absent for DMs. */
  guildId?: string;
}

interface Session {
  socket: WebSocket;
  sequence: number;
  number: number;
  shard: [number, number];
}

/** Guild events name their guild in `guild_id`, the guild objects themselves in `id`. */
function guildOfEvent(type: string, data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const guild = Reflect.get(data, /^GUILD_(CREATE|UPDATE|DELETE)$/.test(type) ? 'id' : 'guild_id');
  return typeof guild === 'string' ? guild : undefined;
}

/**
 * A JSON gateway (no compression, platform-notes §1): HELLO, heartbeat ACKs, READY and GUILD_CREATE after IDENTIFY,
 * then whatever the test dispatches. Sharded like Discord: a connection that identified as `shard: [id, count]` is
 * told of, and receives the events of, only the guilds with `(guild_id >> 22) % count === id`; DMs go to shard 0.
 */
export class FakeGateway {
  readonly identifies: Identify[] = [];
  readonly deliveries: GatewayDelivery[] = [];
  private readonly sessions = new Set<Session>();
  private readonly server: WebSocketServer;
  private readyWaiters: (() => void)[] = [];

  constructor(
    httpServer: Server,
    private readonly world: DiscordWorld,
    private readonly url: () => string,
  ) {
    this.server = new WebSocketServer({ server: httpServer, path: '/gateway' });
    this.server.on('connection', (socket) => this.open(socket));
  }

  private open(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    let session: Session | undefined;
    socket.on('message', (data) => {
      const frame = frameSchema.safeParse(JSON.parse(String(data)));
      if (!frame.success) return;
      if (frame.data.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (frame.data.op === 2) session = this.identify(socket, frame.data.d);
      // A resume is refused: the client identifies afresh.
      if (frame.data.op === 6) socket.send(JSON.stringify({ op: 9, d: false }));
    });
    socket.on('close', () => session && this.sessions.delete(session));
  }

  private identify(socket: WebSocket, data: unknown): Session {
    const identify = identifySchema.parse(data);
    this.identifies.push(identify);
    const shard = identify.shard ?? [0, 1];
    const session: Session = { socket, sequence: 0, number: this.identifies.length, shard };
    const guilds = [...this.world.guilds.keys()].filter((id) => shardOf(id, shard[1]) === shard[0]);
    this.send(session, 'READY', {
      v: 10,
      user: userObject(botUser),
      guilds: guilds.map((id) => ({ id, unavailable: true })),
      session_id: `session-${session.number}`,
      resume_gateway_url: this.url(),
      shard,
      application: { id: applicationId, flags: this.world.applicationFlags },
    });
    for (const id of guilds) this.send(session, 'GUILD_CREATE', this.world.guildCreate(id));
    this.sessions.add(session);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
    return session;
  }

  private send(session: Session, type: string, data: unknown): void {
    session.sequence += 1;
    const guildId = type === 'READY' ? undefined : guildOfEvent(type, data);
    this.deliveries.push({
      session: session.number,
      shard: session.shard,
      type,
      ...(guildId && { guildId }),
    });
    session.socket.send(JSON.stringify({ op: 0, t: type, s: session.sequence, d: data }));
  }

  /** Sends an event to every identified client of the shard its guild is on. */
  dispatch(type: string, data: unknown): void {
    const guild = guildOfEvent(type, data);
    const receivers = [...this.sessions].filter(({ shard: [id, count] }) => shardOf(guild, count) === id);
    if (receivers.length === 0) {
      throw new Error(`No client of the shard of guild ${guild ?? '(DM)'} is connected to receive ${type}.`);
    }
    for (const session of receivers) this.send(session, type, data);
  }

  /** Resolves once a client has identified (at once when one is connected). */
  connected(): Promise<void> {
    if (this.sessions.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
