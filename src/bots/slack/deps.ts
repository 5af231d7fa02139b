import type { Brain } from '../../commands/brain.js';
import type { Logger } from '../../core/logger.js';
import type { AccessPolicy } from './access.js';

/** What every listener needs; built once in `startSlackBot`. */
export interface SlackDeps {
  brain: Brain;
  /** Whether a thread is one of the bot's, before its files are downloaded (replies elsewhere are ignored). */
  isBotThread(threadKey: string): Promise<boolean>;
  access: AccessPolicy;
  logger: Logger;
  botToken: string;
  now(): number;
  /** The least time between two progress edits of one message. */
  progressIntervalMs: number;
  /** For file downloads; the global fetch by default. */
  fetch?: typeof fetch;
}
