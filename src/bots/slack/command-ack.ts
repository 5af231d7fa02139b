import { routeText } from '../../commands/registry.js';
import { type AccessPolicy, refusalText } from './access.js';
import { plainText } from './slack-text.js';

export const queuedNote = '⏳ Queued…';

/** The fields of a slash command that decide its ack. */
export interface CommandAckInput {
  team_id: string;
  channel_id: string;
  user_id: string;
  text: string;
}

export interface CommandAck {
  /** The ack's body: the refusal, the queued note, or nothing. */
  response?: { response_type: 'ephemeral'; text: string };
  /** Not allowed here: acked with the refusal, nothing runs. */
  refused: boolean;
  /** The queued note was shown (a command that makes images). */
  noteShown: boolean;
}

/** What `/imagine` is acked with, decided from the command alone (no store, no I/O). */
export function commandAck(command: CommandAckInput, access: AccessPolicy): CommandAck {
  const place = { team: command.team_id, channel: command.channel_id, user: command.user_id };
  if (!access.allows(place)) {
    return { response: { response_type: 'ephemeral', text: refusalText }, refused: true, noteShown: false };
  }
  const noteShown = routeText(plainText(command.text)).command.makesImages;
  return noteShown
    ? { response: { response_type: 'ephemeral', text: queuedNote }, refused: false, noteShown }
    : { refused: false, noteShown };
}
