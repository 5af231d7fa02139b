import type { App, Context, webApi } from '@slack/bolt';
import { answerMessage, type MessageEnvironment, userMessageSchema } from '../answer-message.js';
import type { SlackDeps } from '../deps.js';

/** Plain messages and file shares; edits, joins and other bots' posts are not requests. */
const userSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

/**
 * `@imagine-bot <prompt>` (with files: an edit or fusion of them), a reply in one of the bot's threads (no
 * mention needed) and a direct message. The bot's own posts never get here (Bolt's ignoreSelf).
 */
export function registerMessageEvents(bolt: App, deps: SlackDeps): void {
  bolt.event('app_mention', async ({ event, client, context }) => {
    const message = userMessageSchema.safeParse(event);
    if (!message.success || message.data.bot_id !== undefined) return;
    await deps.afterAcks();
    await answerMessage(message.data, environment(client, context), deps, 'prompt');
  });

  bolt.event('message', async ({ event, client, context }) => {
    const parsed = userMessageSchema.safeParse(event);
    if (!parsed.success) return;
    const message = parsed.data;
    if (!userSubtypes.has(message.subtype) || message.bot_id !== undefined) return;
    const direct = message.channel_type === 'im';
    // In channels a mention also arrives as app_mention, which answers it.
    if (!direct && context.botUserId && message.text.includes(`<@${context.botUserId}>`)) return;
    const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    if (!inThread && !direct) return;
    await deps.afterAcks();
    await answerMessage(message, environment(client, context), deps, inThread ? 'reply' : 'prompt');
  });
}

function environment(client: webApi.WebClient, context: Context): MessageEnvironment {
  return {
    client,
    team: context.teamId ?? '',
    ...(context.botUserId !== undefined && { botUserId: context.botUserId }),
  };
}
