import { webApi } from '@slack/bolt';
import { z } from 'zod';
import { ImagineError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { unexpectedAnswer, unreachable } from '../../core/start-up-errors.js';
import type { SlackConfig } from './access.js';
import { boltLevel, boltLogger } from './bolt-logger.js';
import { slackErrorCode } from './slack-errors.js';

// https://api.slack.com/methods/auth.test: who the bot is; Bolt needs both ids to ignore the bot's own messages.
const authTestAnswer = z.object({
  user_id: z.string().min(1),
  bot_id: z.string().min(1),
  user: z.string().optional(),
  team: z.string().optional(),
});

// https://api.slack.com/methods/auth.test#errors: the errors that mean "this token will never work".
const refusedTokenCodes = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/** A few quick tries, then a clear line: a supervisor restarts a process that exits, not one that waits minutes. */
const startUpRetries: webApi.RetryOptions = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 };

/** What to fix, in one line, when a Slack call made at start-up failed; other errors are returned unchanged. */
export function slackStartUpError(error: unknown, url: string, tokenVariable: string): unknown {
  if (error instanceof ImagineError) return error;
  const code = slackErrorCode(error);
  if (code !== undefined && refusedTokenCodes.has(code)) {
    return new ImagineError('config', `${tokenVariable} was refused by Slack (${code}).`, {
      option: tokenVariable,
      cause: error,
    });
  }
  if (code !== undefined) {
    return new ImagineError('upstream', `${url} answered "${code}".`, { providerCode: code, cause: error });
  }
  const status: unknown = typeof error === 'object' && error ? Reflect.get(error, 'statusCode') : undefined;
  if (typeof status === 'number') {
    return new ImagineError('upstream', `${url} answered HTTP ${status}; check SLACK_API_URL.`, {
      status,
      cause: error,
    });
  }
  return unreachable(url, error, 'SLACK_API_URL') ?? error;
}

/**
 * auth.test with the bot token, before Bolt starts: a refused token, an unreachable SLACK_API_URL or an answer that
 * is not Slack's each become one line naming the variable to fix.
 */
export async function checkBotToken(
  slack: SlackConfig,
  logger: Logger,
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent',
): Promise<{ botId: string; botUserId: string; botName?: string; workspace?: string }> {
  const level = boltLevel(logLevel);
  const client = new webApi.WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: startUpRetries,
    logger: boltLogger(logger, level),
    logLevel: level,
  });
  const url = `${slack.apiUrl}auth.test`;
  let answer: unknown;
  try {
    answer = await client.auth.test();
  } catch (error) {
    throw slackStartUpError(error, url, 'SLACK_BOT_TOKEN');
  }
  const parsed = authTestAnswer.safeParse(answer);
  if (!parsed.success) throw unexpectedAnswer(url, parsed.error, 'SLACK_API_URL');
  const { bot_id: botId, user_id: botUserId, user: botName, team: workspace } = parsed.data;
  return { botId, botUserId, ...(botName && { botName }), ...(workspace && { workspace }) };
}
