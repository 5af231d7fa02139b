import { MessageChannel, type MessagePort } from 'node:worker_threads';

/** Smaller reads are not worth a message: V8's next young-generation GC frees them soon enough. */
const minimumReleasedBytes = 16 * 1024;

let closedPort: MessagePort | undefined;

/**
 * A port whose channel is closed: a message posted to it is still serialized, which detaches the buffers in its
 * transfer list (the structured-clone rules every Node version keeps), and then dropped, which frees them. Made at
 * the first release, not at start-up.
 */
function portThatDrops(): MessagePort {
  if (closedPort === undefined) {
    closedPort = new MessageChannel().port1;
    closedPort.close();
  }
  return closedPort;
}

/**
 * Frees a response chunk's memory now, once the chunk is parsed, instead of at V8's next young-generation GC.
 * Node reads a socket into a fresh buffer each time, and V8 frees those only when the young array buffers pass
 * 32 MiB: with a 16 MiB image's own young output buffer, a 16 MiB image answer would peak at twice its size.
 * Only a chunk that is the whole of its ArrayBuffer, as a socket read's is, is released (a view into a pool or
 * into a larger buffer never is); afterwards the chunk is empty. Returns whether it was released.
 */
export function releaseReadBuffer(chunk: Uint8Array): boolean {
  const buffer = chunk.buffer;
  if (!(buffer instanceof ArrayBuffer)) return false;
  if (chunk.byteOffset !== 0 || chunk.byteLength !== buffer.byteLength) return false;
  if (chunk.byteLength < minimumReleasedBytes) return false;
  try {
    portThatDrops().postMessage(undefined, [buffer]);
  } catch {
    // An untransferable buffer stays as it is; V8 frees it as before.
    return false;
  }
  return chunk.byteLength === 0;
}
