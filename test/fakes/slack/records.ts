/** What the fake Slack saw, in one ordered log (`seq` is shared by every kind, and by `mark`). */
export type Recorded =
  | {
      seq: number;
      kind: 'api';
      method: string;
      params: Record<string, string>;
      authorization?: string;
      /** Set when a queued fault or chaos answered instead of the method: the status (`429`) or Slack's `error`. */
      failedWith?: string;
    }
  | {
      seq: number;
      kind: 'upload';
      fileId: string;
      partName: string;
      bytes: Buffer;
      authorization?: string;
      failedWith?: string;
    }
  | { seq: number; kind: 'respond'; id: string; body: Record<string, unknown>; failedWith?: string }
  | { seq: number; kind: 'download'; path: string; authorized: boolean }
  | { seq: number; kind: 'socket'; message: Record<string, unknown> }
  | { seq: number; kind: 'mark'; label: string };

export type ApiCall = Extract<Recorded, { kind: 'api' }>;

/** A message as it stands now (after updates; deleted ones are gone). */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
}

/** A file the bot completed with files.completeUploadExternal. */
export interface SharedFile {
  id: string;
  title: string;
  channel: string;
  threadTs?: string;
  bytes: Buffer;
  filename: string;
  altText?: string;
}

/**
 * A failure to answer the next `times` (default 1) calls of `method` (`upload` for the upload URL, `respond`
 * for a response_url).
 */
export type SlackFault = {
  method: string;
  times?: number;
  /** Drawn by chaos mode (not queued by a test). */
  chaos?: boolean;
} & (
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string; needed?: string }
  | { kind: 'status'; status: number }
  /** Any JSON Slack would never send (a wrong SLACK_API_URL, a proxy's page): status 200, this body. */
  | { kind: 'answer'; body: Record<string, unknown> }
);
