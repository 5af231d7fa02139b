import type { BoardIndex } from '../core/board/board-index.js';
import type { ConversationStore } from '../core/conversations/conversation-store.js';
import type { JobStore } from '../core/jobs/job-store.js';
import type { Quotas } from '../core/jobs/quotas.js';
import type { JobRunner } from '../core/jobs/runner.js';
import type { JobEvents } from '../core/observe/job-events.js';
import type { SettingsStore } from '../core/settings/settings.js';
import type { ImageBlobs } from '../core/store/blobs.js';
import type { EventClaims } from '../core/store/event-claims.js';
import type { JobDelivery } from './job-delivery.js';

export interface BotConfig {
  defaultModel: string;
  /** Most conversation turns sent to a multi-turn model. */
  historyTurns: number;
  /** How long images, jobs and conversations are kept. */
  imageTtlMs: number;
  /** Platform-qualified user ids that are admins whatever the platform says. */
  adminIds: readonly string[];
  /** Longest prompt a command accepts, in characters. */
  maxPromptChars: number;
  /** The team board's links (absent: `/imagine board` says what to set). */
  board?: { secret?: string; publicUrl?: string; linkTtlMs: number };
}

/** Everything a command needs, injected: no command reaches for a global. */
export interface BotServices {
  config: BotConfig;
  jobs: JobStore;
  conversations: ConversationStore;
  /** What users and channels preset (`settings set`). */
  presets: SettingsStore;
  /** Events claimed once across instances (dedupe of interactions, messages, signed deliveries). */
  claims: EventClaims;
  blobs: ImageBlobs;
  runner: JobRunner;
  /** Present when jobs post their own replies (the bot's platforms): commands with a destination use it. */
  jobDelivery?: JobDelivery;
  quotas: Quotas;
  /** The team board's index: results are put on it as they are posted, stars mark favourites. */
  board?: BoardIndex;
  /** Job transitions and operator counters: log lines and metrics. */
  events: JobEvents;
  now(): number;
  newId(): string;
  random(): number;
}
