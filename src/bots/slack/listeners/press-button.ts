import type { webApi } from '@slack/bolt';
import type { ButtonAction } from '../../../commands/reply.js';
import type { SlackPlace } from '../access.js';
import type { SlackDeps } from '../deps.js';
import { slackContext } from '../slack-context.js';
import { createThreadResponder } from '../thread-responder.js';

export interface ButtonPress {
  place: SlackPlace;
  userName?: string;
  /** The thread the result sits in; its answer goes there. */
  threadTs?: string;
  action: ButtonAction;
  jobId: string;
  /** Per-image buttons: which image (1-based). */
  image?: number;
  /** The edit modal's text. */
  text?: string;
  /** The message the button was on (deleted when the brain says so). */
  sourceTs?: string;
}

/** A result button (or the edit modal), run for the user who pressed it and answered in the result's thread. */
export async function pressButton(
  deps: SlackDeps,
  client: webApi.WebClient,
  press: ButtonPress,
): Promise<void> {
  const thread = press.threadTs === undefined ? {} : { threadTs: press.threadTs };
  const responder = createThreadResponder(
    { client, channel: press.place.channel, user: press.place.user, ...thread },
    deps,
  );
  const context = slackContext(
    {
      ...press.place,
      ...(press.userName !== undefined && { userName: press.userName }),
      ...thread,
      onProgress: responder.onProgress,
      destination: () => responder.destination(press.place.team),
    },
    deps.access,
  );
  await responder.deliver(
    await deps.brain.button(press.action, press.jobId, context, press.text, press.image),
    press.sourceTs,
  );
}
