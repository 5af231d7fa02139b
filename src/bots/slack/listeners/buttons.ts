import type { App } from '@slack/bolt';
import { z } from 'zod';
import { type ButtonTarget, buttonTargetSchema } from '../../../commands/reply.js';
import { refusalText } from '../access.js';
import type { SlackDeps } from '../deps.js';
import { editModal } from '../edit-modal.js';
import { actionIdPrefix, plainMessage } from '../render-reply.js';
import { pressButton } from './press-button.js';

const blockActionsSchema = z.object({
  user: z.object({ id: z.string(), username: z.string().optional(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }).optional(),
  container: z
    .object({
      channel_id: z.string().optional(),
      message_ts: z.string().optional(),
      thread_ts: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  trigger_id: z.string(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

/** `imagine:upscale:2` with the job id as its value → what the button names; undefined when it is not ours. */
function buttonTarget(actionId: string, value: string | undefined): ButtonTarget | undefined {
  const [action, image, ...rest] = actionId.slice(actionIdPrefix.length).split(':');
  if (rest.length > 0) return undefined;
  const target = buttonTargetSchema.safeParse({
    action,
    jobId: value,
    ...(image !== undefined && { image }),
  });
  return target.success ? target.data : undefined;
}

/**
 * Result buttons: the action is in the action id, the job id is the value, so they work after a restart.
 * Results go to the pressed message's thread; Edit opens a modal (its trigger_id lives 3 s: opened at once).
 */
export function registerButtons(bolt: App, deps: SlackDeps): void {
  bolt.action(new RegExp(`^${actionIdPrefix}`), async ({ ack, body, client, context }) => {
    await ack();
    const parsed = blockActionsSchema.safeParse(body);
    if (!parsed.success) return;
    const { user, container, actions } = parsed.data;
    const [pressed] = actions;
    const target = pressed && buttonTarget(pressed.action_id, pressed.value);
    const channel = parsed.data.channel?.id ?? container?.channel_id;
    if (!target || !channel) return;
    const { action, jobId, image } = target;
    const place = {
      team: parsed.data.team?.id ?? user.team_id ?? context.teamId ?? '',
      channel,
      user: user.id,
    };
    if (!deps.access.allows(place)) {
      await client.chat.postEphemeral({ channel, user: user.id, ...plainMessage(refusalText) });
      return;
    }
    // An ephemeral message (a Retry under an error) has no thread of its own.
    const messageTs = container?.is_ephemeral ? undefined : container?.message_ts;
    const threadTs = container?.thread_ts ?? messageTs;
    if (action === 'edit') {
      await client.views.open({
        trigger_id: parsed.data.trigger_id,
        view: editModal({ jobId, channel, ...(threadTs && { threadTs }) }),
      });
      return;
    }
    await deps.afterAcks();
    await pressButton(deps, client, {
      place,
      ...(user.username !== undefined && { userName: user.username }),
      ...(threadTs && { threadTs }),
      action,
      jobId,
      ...(image !== undefined && { image }),
      ...(messageTs && { sourceTs: messageTs }),
    });
  });
}
