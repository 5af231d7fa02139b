import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

export interface SocketModeServer {
  /** Resolves when a client has connected (and got its hello). */
  connected(): Promise<void>;
  send(message: Record<string, unknown>): void;
  close(): void;
}

/**
 * Socket Mode on `/link/…` of the fake's HTTP server: `hello` on connect, envelopes out, every message the client
 * sends (acks) handed to `onMessage`.
 */
export function attachSocketMode(
  server: Server,
  onMessage: (message: Record<string, unknown>) => void,
): SocketModeServer {
  const sockets = new Set<WebSocket>();
  const waiters: (() => void)[] = [];
  const socketServer = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    if (!(request.url ?? '').startsWith('/link')) return socket.destroy();
    socketServer.handleUpgrade(request, socket, head, (websocket) => {
      sockets.add(websocket);
      websocket.on('close', () => sockets.delete(websocket));
      websocket.on('message', (data) => {
        const parsed: unknown = JSON.parse(data.toString());
        onMessage(typeof parsed === 'object' && parsed !== null ? { ...parsed } : {});
      });
      websocket.send(
        JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP' } }),
      );
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  return {
    connected: () =>
      sockets.size > 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
    send(message) {
      for (const websocket of sockets) {
        if (websocket.readyState === WebSocket.OPEN) websocket.send(JSON.stringify(message));
      }
    },
    close() {
      for (const websocket of sockets) websocket.terminate();
      socketServer.close();
    },
  };
}
