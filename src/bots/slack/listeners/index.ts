import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { registerButtons } from './buttons.js';
import { registerEditSubmission } from './edit-submission.js';
import { registerMessageEvents } from './message-events.js';
import { registerReactions } from './reactions.js';
import { registerSlashCommand } from './slash-command.js';

/** One small listener per concern; each acks first and works after. */
export function registerListeners(bolt: App, deps: SlackDeps): void {
  registerSlashCommand(bolt, deps);
  registerMessageEvents(bolt, deps);
  registerButtons(bolt, deps);
  registerEditSubmission(bolt, deps);
  registerReactions(bolt, deps);
}
