import type { Client } from 'discord.js';
import type { Brain } from '../../commands/brain.js';
import type { Logger } from '../../core/logger.js';
import type { AttachmentDownloader, AttachmentPolicy } from '../../core/net/attachment-downloader.js';
import type { AccessRules } from './access.js';

/** A clock the tests can move (the 15-minute interaction deadline, the progress throttle). */
export interface BotClock {
  now(): number;
}

/** What every Discord handler is given: the client, the brain, and the rules it runs under. */
export interface DiscordBot {
  client: Client;
  brain: Brain;
  rules: AccessRules;
  /** The app's one downloader (its download limit is process-wide). */
  downloads: AttachmentDownloader;
  /** Where attachments may be read from. */
  filePolicy: AttachmentPolicy;
  clock: BotClock;
  logger: Logger;
  /** At most one progress edit per this many milliseconds. */
  progressIntervalMs: number;
  /** Whether the Message Content intent is on (else only messages that mention the bot carry text). */
  messageContent: boolean;
}

/** Discord's default per-file upload limit, when an event does not say (messages carry no limit). */
export const defaultUploadLimitBytes = 10 * 1024 * 1024;
/** An interaction token lives 15 minutes; stop using it a little before, so no request lands after it died. */
export const interactionTokenLifetimeMs = 14 * 60 * 1000;
