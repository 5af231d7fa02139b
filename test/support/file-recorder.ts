import { createServer } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
}

/** "Another origin" on 127.0.0.1: serves `bytes` to any GET and records what it was asked (it must often see nothing). */
export interface FileRecorder {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFileRecorder(bytes: Buffer): Promise<FileRecorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const { authorization } = request.headers;
    requests.push({
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      ...(authorization !== undefined && { authorization }),
    });
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
