import { createServer, type ServerResponse } from 'node:http';
import { z } from 'zod';

const posted = z.object({ text: z.string() });

export interface HeldResponseUrl {
  url: string;
  /** The texts posted to it so far, answered or not. */
  texts(): string[];
  /** Answers every post waiting and, from now on, each post at once. */
  release(): void;
  close(): Promise<void>;
}

/** A response_url that leaves the bot's posts unanswered until released (Slack slow to answer). */
export async function heldResponseUrl(): Promise<HeldResponseUrl> {
  const texts: string[] = [];
  const waiting: ServerResponse[] = [];
  let held = true;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      texts.push(posted.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))).text);
      if (held) waiting.push(response);
      else response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/respond/held`,
    texts: () => [...texts],
    release() {
      held = false;
      for (const response of waiting.splice(0)) response.end('ok');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
