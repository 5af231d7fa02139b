import type { ProgressEvent } from '../core/jobs/job.js';
import type { Destination } from './destination.js';

/** Who is asking, where: the adapter fills this in from the platform event. Ids are platform-qualified. */
export interface CommandContext {
  /** The adapter's platform ('discord', 'slack', 'console'…): commands never branch on it. */
  platform: string;
  user: { id: string; name?: string; isAdmin: boolean };
  channelId: string;
  /** The conversation's thread, for messages inside one (a Discord thread id, a Slack thread_ts). */
  threadId?: string;
  /** The largest file the platform takes in one upload (Discord's attachment_size_limit…). */
  uploadLimitBytes: number;
  /** Called with the job's progress while a command waits for it (adapters throttle the rendering). */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Where a job's replies go, set by a platform adapter: the job is then stored with it and posts its own progress
   * and outcome from whichever process runs it; the command returns at once. Called once per job, after its quota
   * slot is taken (a refused request shows nothing there).
   */
  destination?: () => Promise<Destination>;
  /** When the platform started showing a queued note (the ack): progress waits an interval after it. */
  noteShownAt?: number;
}
