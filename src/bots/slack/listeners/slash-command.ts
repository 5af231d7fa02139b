import type { App } from '@slack/bolt';
import { commandAck } from '../command-ack.js';
import { createCommandResponder } from '../command-responder.js';
import type { SlackDeps } from '../deps.js';
import { slackContext } from '../slack-context.js';
import { plainText } from '../slack-text.js';

export const slashCommandName = '/imagine';

/**
 * `/imagine <prompt> --flags` and `/imagine help|models|settings|compare|usage|cancel …`: ack first, work after the
 * acks of the requests that came with it. In HTTP mode the receiver has acked already (`early-command-ack.ts`),
 * with the same `commandAck`, and this `ack` does nothing.
 */
export function registerSlashCommand(bolt: App, deps: SlackDeps): void {
  bolt.command(slashCommandName, async ({ command, ack, respond, client }) => {
    const place = { team: command.team_id, channel: command.channel_id, user: command.user_id };
    const { response, refused, noteShown } = commandAck(command, deps.access);
    await ack(response);
    if (refused) return;
    const text = plainText(command.text);
    await deps.afterAcks();
    const responder = createCommandResponder(
      { client, respond, channel: command.channel_id, user: command.user_id, noteShown },
      deps,
    );
    const context = slackContext(
      {
        ...place,
        userName: command.user_name,
        onProgress: responder.onProgress,
        destination: async () => ({
          platform: 'slack',
          teamId: command.team_id,
          channelId: command.channel_id,
          requesterId: command.user_id,
          responseUrl: command.response_url,
        }),
        ...(noteShown && { noteShownAt: deps.now() }),
      },
      deps.access,
    );
    await responder.deliver(await deps.brain.text(text, [], context));
  });
}
