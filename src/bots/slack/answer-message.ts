import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { SlackDeps } from './deps.js';
import { slackAttachments, slackFileSchema } from './download-files.js';
import { slackContext } from './slack-context.js';
import { messageKey } from './slack-ids.js';
import { plainText } from './slack-text.js';
import { createThreadResponder } from './thread-responder.js';

/** The fields of a `message` or `app_mention` event the bot reads. */
export const userMessageSchema = z.object({
  user: z.string(),
  text: z.string().default(''),
  ts: z.string(),
  channel: z.string(),
  channel_type: z.string().optional(),
  thread_ts: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  files: z.array(slackFileSchema).optional(),
});
export type UserMessage = z.infer<typeof userMessageSchema>;

export interface MessageEnvironment {
  client: webApi.WebClient;
  team: string;
  botUserId?: string;
}

export const hourglass = 'hourglass_flowing_sand';

/**
 * A user's message for the bot. `reply`: a message in a thread, an edit only when the thread is one of the
 * bot's (else ignored). `prompt`: a mention or a direct message: in a bot thread it edits the latest image,
 * elsewhere its text (and files) are a new request. Progress: an hourglass reaction and a placeholder.
 */
export async function answerMessage(
  message: UserMessage,
  environment: MessageEnvironment,
  deps: SlackDeps,
  kind: 'reply' | 'prompt',
): Promise<void> {
  const { client } = environment;
  const place = { team: environment.team, channel: message.channel, user: message.user };
  if (!deps.access.allows(place)) return;
  const threadTs =
    message.thread_ts !== undefined && message.thread_ts !== message.ts ? message.thread_ts : undefined;
  const ours = threadTs !== undefined && (await deps.brain.ownsThread(messageKey(message.channel, threadTs)));
  if (kind === 'reply' && !ours) return;
  const responder = createThreadResponder(
    { client, channel: message.channel, user: message.user, ...(threadTs && { threadTs }) },
    deps,
  );
  // Read by the brain once the user's quota slot is taken: a refused request downloads nothing.
  const images = slackAttachments(message.files ?? [], {
    client,
    downloads: deps.downloads,
    policy: deps.filePolicy,
  });
  const reaction = { channel: message.channel, timestamp: message.ts, name: hourglass };
  await client.reactions.add(reaction).catch((error: unknown) => deps.logger.debug('no reaction', { error }));
  // A queued job takes the hourglass off itself when its outcome is posted.
  let handedOver = false;
  try {
    const text = plainText(message.text, environment.botUserId);
    const context = slackContext(
      {
        ...place,
        ...(threadTs && { threadTs }),
        onProgress: responder.onProgress,
        destination: () => responder.destination(environment.team, message.ts),
      },
      deps.access,
    );
    const replies = ours
      ? await deps.brain.threadMessage(text, images, context)
      : await deps.brain.text(text, images, context);
    handedOver = replies?.some((reply) => reply.pending) ?? false;
    if (replies) await responder.deliver(replies);
  } finally {
    if (!handedOver) {
      await client.reactions
        .remove(reaction)
        .catch((error: unknown) => deps.logger.debug('no reaction to remove', { error }));
    }
  }
}
