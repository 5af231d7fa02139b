import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Chaos } from './chaos.js';
import { FaultQueue } from './faults.js';
import type { ResponseShape } from './response-writer.js';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  model?: string;
  family?: string;
  /** The seed each answered image was drawn with (picked by the fake when the body sent none). */
  seeds?: number[];
  /** The fault applied to this request: a queued fault's kind (`status_429`, `hang`…) or `chaos:<kind>`. */
  fault?: string;
  /** Epoch milliseconds. */
  at: number;
  /** Generation requests: epoch milliseconds when the answer was sent or the caller hung up. */
  endedAt?: number;
  /** The caller's TCP port: the requests sent on one connection share it. */
  remotePort?: number;
}

export type ResponseShapeSetting = ResponseShape | 'alternate';
export type Delivery = 'auto' | 'b64_json' | 'url';

export type StoredFile =
  | { kind: 'image'; bytes: Buffer; contentType: string }
  | { kind: 'expired' }
  | { kind: 'html' }
  | { kind: 'redirect'; location: string };

/** Everything the fake remembers between requests; shared by its route handlers. */
export class FakeState {
  readonly requests: RecordedRequest[] = [];
  readonly images: Buffer[] = [];
  readonly faults = new FaultQueue();
  /** Seeded random faults for requests no queued fault answers. */
  chaos: Chaos | undefined;
  readonly files = new Map<string, StoredFile>();
  /** Aborted on close, so waits (latency faults) end with the server. */
  readonly closing = new AbortController();
  shape: ResponseShapeSetting = 'wrapped';
  delivery: Delivery = 'auto';
  fixedImage: Buffer | undefined;
  /** The fixed image's base64, encoded once when it is set (a bench's 45 MB image answers every call). */
  fixedImageBase64: Buffer | undefined;
  baseUrl = '';
  /** Generation requests not answered yet (a caller that hangs up ends its own), and the most ever at once. */
  readonly generations = { inFlight: 0, maxInFlight: 0 };
  private answers = 0;

  constructor(
    /** Longest side of rendered images; undefined draws the size each request resolves to. */
    readonly maxSide: number | undefined,
    readonly apiKey: string | undefined,
  ) {
    // Every answer held by a latency fault listens for the close: a burst holds dozens at once.
    setMaxListeners(0, this.closing.signal);
  }

  /** Answers from now on take `shape`; `alternate` starts with the next answer. */
  setShape(shape: ResponseShapeSetting): void {
    this.shape = shape;
    this.answers = 0;
  }

  /** Every generation answers `bytes` from now on (undefined: drawn images again); its base64 is encoded once. */
  setFixedImage(bytes: Buffer | undefined): void {
    this.fixedImage = bytes;
    this.fixedImageBase64 = bytes && Buffer.from(bytes.toString('base64'), 'latin1');
  }

  /** The shape of the next success answer; `alternate` starts wrapped and flips each time. */
  nextShape(): ResponseShape {
    this.answers += 1;
    if (this.shape !== 'alternate') return this.shape;
    return this.answers % 2 === 1 ? 'wrapped' : 'plain';
  }

  /** Keeps a file to serve under /files/ and returns its absolute URL. */
  storeFile(file: StoredFile, extension: string): string {
    const id = randomBytes(8).toString('hex');
    this.files.set(id, file);
    return `${this.baseUrl}/files/${id}.${extension}`;
  }
}
