import type { ServerResponse } from 'node:http';

export interface PrivateFileOptions {
  name: string;
  bytes: Buffer;
  mimetype: string;
  /** Slack Connect style: only `id` and `file_access: check_file_info` in the event (files.info has the rest). */
  partial?: boolean;
  /** Answer the download with a 302 to this URL instead of the bytes. */
  redirectTo?: string;
  /** Stream the bytes with no content-length (chunked), as a proxy might. */
  chunked?: boolean;
}

/** Downloads held by `hold()`: how many are waiting at once, and a way to let them go one by one. */
export interface DownloadHold {
  /** Downloads that arrived, held or not. */
  readonly started: number;
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Lets the oldest held download answer. */
  releaseOne(): void;
  /** Stops holding: every held download answers, and later ones at once. */
  releaseAll(): void;
}

export const signInPage =
  '<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Sign in to Fake</h1></body></html>';

type RecordDownload = (entry: { kind: 'download'; path: string; authorized: boolean }) => void;

/** The private files users "attached", served under /files-pri/ only with the bot token (a sign-in page otherwise). */
export function createPrivateFiles(botToken: string, record: RecordDownload) {
  const files = new Map<string, PrivateFileOptions>();
  let scopeMissing = false;
  let hold:
    | { waiting: (() => void)[]; started: number; inFlight: number; max: number; on: boolean }
    | undefined;

  async function held(): Promise<void> {
    if (!hold) return;
    hold.started += 1;
    hold.inFlight += 1;
    hold.max = Math.max(hold.max, hold.inFlight);
    const current = hold;
    if (current.on) await new Promise<void>((resolve) => current.waiting.push(resolve));
  }

  return {
    add(id: string, options: PrivateFileOptions) {
      files.set(id, options);
    },
    setScopeMissing(missing: boolean) {
      scopeMissing = missing;
    },
    hold(): DownloadHold {
      hold = { waiting: [], started: 0, inFlight: 0, max: 0, on: true };
      const current = hold;
      return {
        get started() {
          return current.started;
        },
        get inFlight() {
          return current.inFlight;
        },
        get maxInFlight() {
          return current.max;
        },
        releaseOne: () => current.waiting.shift()?.(),
        releaseAll() {
          current.on = false;
          for (const release of current.waiting.splice(0)) release();
        },
      };
    },
    /** Answers GET /files-pri/… (held first while a hold is on). */
    async serve(path: string, authorization: string | undefined, response: ServerResponse): Promise<void> {
      const id = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\//.exec(path)?.[1] ?? '';
      const file = files.get(id);
      const authorized = authorization === `Bearer ${botToken}` && !scopeMissing;
      record({ kind: 'download', path, authorized });
      const current = hold;
      await held();
      try {
        if (!authorized || !file) {
          // Slack's answer without a token or scope: a sign-in page, status 200.
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(signInPage);
          return;
        }
        const { bytes, mimetype, redirectTo, chunked } = file;
        if (redirectTo) {
          response.writeHead(302, { location: redirectTo });
          response.end();
          return;
        }
        if (chunked) {
          response.writeHead(200, { 'content-type': mimetype });
          const half = Math.floor(bytes.length / 2);
          response.write(bytes.subarray(0, half));
          response.end(bytes.subarray(half));
          return;
        }
        response.writeHead(200, { 'content-type': mimetype, 'content-length': bytes.length });
        response.end(bytes);
      } finally {
        if (current) current.inFlight -= 1;
      }
    },
  };
}
