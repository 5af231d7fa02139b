import type { Brain } from '../../commands/brain.js';
import type { Logger } from '../../core/logger.js';
import type { AttachmentDownloader, AttachmentPolicy } from '../../core/net/attachment-downloader.js';
import type { AccessPolicy } from './access.js';

/** What every listener needs; built once in `startSlackBot`. */
export interface SlackDeps {
  brain: Brain;
  access: AccessPolicy;
  logger: Logger;
  /** The app's one downloader (its download limit is process-wide). */
  downloads: AttachmentDownloader;
  /** Where Slack files may be read from, and the only place the bot token is sent with them. */
  filePolicy: AttachmentPolicy;
  now(): number;
  /** The least time between two progress edits of one message. */
  progressIntervalMs: number;
  /** Listeners await this after acking, before their work, so a burst's other acks go first. */
  afterAcks(): Promise<void>;
}
