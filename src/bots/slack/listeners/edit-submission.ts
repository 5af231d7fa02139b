import type { App } from '@slack/bolt';
import { z } from 'zod';
import { refusalText } from '../access.js';
import type { SlackDeps } from '../deps.js';
import { editInputErrors, editModalCallbackId, readEditSubmission } from '../edit-modal.js';
import { plainMessage } from '../render-reply.js';
import { pressButton } from './press-button.js';

const submitterSchema = z.object({
  user: z.object({ id: z.string(), username: z.string().optional(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
});

/** The edit modal's submit: an edit of the job with the typed text, posted where the button was pressed. */
export function registerEditSubmission(bolt: App, deps: SlackDeps): void {
  bolt.view(editModalCallbackId, async ({ ack, body, view, client, context }) => {
    const submission = readEditSubmission(view);
    const submitter = submitterSchema.safeParse(body);
    if (!submission || !submitter.success) {
      await ack();
      return;
    }
    if (submission.text === '') {
      await ack({ response_action: 'errors', errors: editInputErrors });
      return;
    }
    await ack();
    const { origin, text } = submission;
    const { user } = submitter.data;
    const place = {
      team: submitter.data.team?.id ?? user.team_id ?? context.teamId ?? '',
      channel: origin.channel,
      user: user.id,
    };
    if (!deps.access.allows(place)) {
      await client.chat.postEphemeral({
        channel: origin.channel,
        user: user.id,
        ...plainMessage(refusalText),
      });
      return;
    }
    const threadTs = origin.threadTs;
    await deps.afterAcks();
    await pressButton(deps, client, {
      place,
      ...(user.username !== undefined && { userName: user.username }),
      ...(threadTs && { threadTs }),
      action: 'edit',
      jobId: origin.jobId,
      text,
    });
  });
}
