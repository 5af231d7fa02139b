/** What the fake Discord remembers: records of every REST call, messages, threads, files, faults. */

/** A Discord snowflake-shaped id (17–19 digits), so @discordjs/rest buckets routes as it does on the real API. */
export function snowflakes(start: bigint): () => string {
  let next = start;
  return () => {
    next += 1n;
    return next.toString();
  };
}

export interface RecordedFile {
  /** The multipart field: `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface DiscordRecord {
  /** Arrival order across every request. */
  sequence: number;
  /** Epoch milliseconds at arrival (same clock as the fake image API's records). */
  at: number;
  method: string;
  /** URL-decoded, without `/api/v10`: `/webhooks/1100…/itok-1/messages/@original`. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** The JSON body, or a multipart body's `payload_json`; undefined when there was none. */
  body: unknown;
  files: RecordedFile[];
  /** The status the fake answered. */
  status: number;
}

export interface DiscordFault {
  method?: string;
  /** A decoded path (as recorded) it must start with, or a pattern it must match. */
  path: string | RegExp;
  status: number;
  /** Discord's JSON error code (10062, 40005, 50013, 50027…). */
  code?: number;
  message?: string;
  /** For 429s: the `Retry-After` header, in seconds. */
  retryAfterSeconds?: number;
  global?: boolean;
  /** Only requests that upload files (multipart with `files[n]`). */
  withFiles?: boolean;
  /** How many matching requests it answers (default 1). */
  times?: number;
}

/** Discord's error answers the tests inject, as the real API sends them. */
export const discordErrors = {
  unknownInteraction: { status: 404, code: 10062, message: 'Unknown interaction' },
  unknownMessage: { status: 404, code: 10008, message: 'Unknown Message' },
  requestTooLarge: { status: 413, code: 40005, message: 'Request entity too large' },
  missingPermissions: { status: 403, code: 50013, message: 'Missing Permissions' },
  invalidWebhookToken: { status: 401, code: 50027, message: 'Invalid Webhook Token' },
  serverError: { status: 500, code: 0, message: 'Internal Server Error' },
} as const satisfies Record<string, { status: number; code: number; message: string }>;

export interface StoredFile {
  bytes: Buffer;
  contentType: string;
}

export class FaultList {
  private readonly faults: { fault: DiscordFault; remaining: number }[] = [];

  push(fault: DiscordFault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The first fault matching this request, counted down. */
  take(method: string, path: string, hasFiles: boolean): DiscordFault | undefined {
    const index = this.faults.findIndex(
      ({ fault }) =>
        (fault.method === undefined || fault.method === method) &&
        (!fault.withFiles || hasFiles) &&
        (typeof fault.path === 'string' ? path.startsWith(fault.path) : fault.path.test(path)),
    );
    const entry = this.faults[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.faults.splice(index, 1);
    return entry.fault;
  }
}
