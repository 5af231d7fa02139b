import { z } from 'zod';

// @slack/web-api's coded errors: `slack_webapi_platform_error` carries Slack's own `error` (and `needed` scope).
const webApiError = z.object({
  code: z.string(),
  data: z.object({ error: z.string(), needed: z.string().optional() }).optional(),
});

/** Slack's `error` string of a failed Web API call (`not_in_channel`…), when it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  const parsed = webApiError.safeParse(error);
  return parsed.success ? parsed.data.data?.error : undefined;
}

const httpFailure = z.object({ statusCode: z.number() });

/** For the metrics: Slack's `error` (`channel_not_found`), else the HTTP status, `ratelimited` or `network`. */
export function slackMetricCode(error: unknown): string {
  const platform = slackErrorCode(error);
  if (platform !== undefined) return platform;
  const http = httpFailure.safeParse(error);
  if (http.success) return String(http.data.statusCode);
  const coded = webApiError.safeParse(error);
  return coded.success && coded.data.code === 'slack_webapi_rate_limited_error' ? 'ratelimited' : 'network';
}

/** What went wrong talking to Slack, in words a user can act on; never the token or a stack. */
export function slackFailureText(error: unknown): string {
  const parsed = webApiError.safeParse(error);
  const code = parsed.success ? parsed.data.data?.error : undefined;
  switch (code) {
    case 'not_in_channel':
    case 'channel_not_found':
      return 'I cannot post in this channel: invite me with `/invite @imagine-bot`, then try again.';
    case 'missing_scope':
      return `The Slack app lacks the ${parsed.data?.data?.needed ?? 'needed'} scope: reinstall it from slack/manifest.yml.`;
    case 'ratelimited':
      return 'Slack is rate limiting the bot right now. Try again in a minute.';
    case undefined:
      return 'Could not deliver the result to Slack. Please try again.';
    default:
      return `Slack refused to post the result (${code}). Please try again.`;
  }
}
