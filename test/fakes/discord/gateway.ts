import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { userObject } from './payloads.js';
import { applicationId, botUser, type DiscordWorld, guildId } from './world.js';

const frameSchema = z.object({ op: z.number(), d: z.unknown().optional() });
const identifySchema = z.object({ token: z.string(), intents: z.number() });
export type Identify = z.infer<typeof identifySchema>;

interface Session {
  socket: WebSocket;
  sequence: number;
}

/**
 * A JSON gateway (no compression, platform-notes §1): HELLO, heartbeat ACKs, READY and GUILD_CREATE after IDENTIFY,
 * then whatever the test dispatches.
 */
export class FakeGateway {
  readonly identifies: Identify[] = [];
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
    const session: Session = { socket, sequence: 0 };
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    socket.on('message', (data) => {
      const frame = frameSchema.safeParse(JSON.parse(String(data)));
      if (!frame.success) return;
      if (frame.data.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (frame.data.op === 2) this.identify(session, frame.data.d);
      // A resume is refused: the client identifies afresh.
      if (frame.data.op === 6) socket.send(JSON.stringify({ op: 9, d: false }));
    });
    socket.on('close', () => this.sessions.delete(session));
  }

  private identify(session: Session, data: unknown): void {
    const identify = identifySchema.parse(data);
    this.identifies.push(identify);
    this.send(session, 'READY', {
      v: 10,
      user: userObject(botUser),
      guilds: [{ id: guildId, unavailable: true }],
      session_id: `session-${this.identifies.length}`,
      resume_gateway_url: this.url(),
      shard: [0, 1],
      application: { id: applicationId, flags: this.world.applicationFlags },
    });
    this.send(session, 'GUILD_CREATE', this.world.guildCreate());
    this.sessions.add(session);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private send(session: Session, type: string, data: unknown): void {
    session.sequence += 1;
    session.socket.send(JSON.stringify({ op: 0, t: type, s: session.sequence, d: data }));
  }

  /** Sends an event to every identified client. */
  dispatch(type: string, data: unknown): void {
    if (this.sessions.size === 0) throw new Error(`No client is connected to receive ${type}.`);
    for (const session of this.sessions) this.send(session, type, data);
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
