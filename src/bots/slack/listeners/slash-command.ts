import type { App } from '@slack/bolt';
import { routeText } from '../../../commands/registry.js';
import { refusalText } from '../access.js';
import { createCommandResponder } from '../command-responder.js';
import type { SlackDeps } from '../deps.js';
import { slackContext } from '../slack-context.js';
import { plainText } from '../slack-text.js';

export const queuedNote = '⏳ Queued…';

/**
 * `/imagine <prompt> --flags` and `/imagine help|models|settings|compare|usage|cancel …`: ack first, work after the
 * acks of the requests that came with it.
 */
export function registerSlashCommand(bolt: App, deps: SlackDeps): void {
  bolt.command('/imagine', async ({ command, ack, respond, client }) => {
    const place = { team: command.team_id, channel: command.channel_id, user: command.user_id };
    if (!deps.access.allows(place)) {
      await ack({ response_type: 'ephemeral', text: refusalText });
      return;
    }
    const text = plainText(command.text);
    const noteShown = routeText(text).command.makesImages;
    await ack(noteShown ? { response_type: 'ephemeral', text: queuedNote } : undefined);
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
