import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';

/** Discord's JSON error code of a failed REST call, when it has one. */
export function discordErrorCode(error: unknown): number | undefined {
  if (!(error instanceof DiscordAPIError)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

/** For the metrics: Discord's JSON error code (`50013`), else the HTTP status, else `network`. */
export function discordMetricCode(error: unknown): string {
  const code = discordErrorCode(error);
  if (code !== undefined) return String(code);
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return String(error.status);
  if (error instanceof RateLimitError) return '429';
  return 'network';
}

/** The interaction's token no longer works (15 minutes passed, or it was never acknowledged in time). */
export function isTokenGone(error: unknown): boolean {
  const code = discordErrorCode(error);
  return (
    code === RESTJSONErrorCodes.InvalidWebhookToken ||
    code === RESTJSONErrorCodes.UnknownInteraction ||
    code === RESTJSONErrorCodes.UnknownWebhook
  );
}

export const isMissingPermissions = (error: unknown) =>
  discordErrorCode(error) === RESTJSONErrorCodes.MissingPermissions;

export const isTooLarge = (error: unknown) =>
  discordErrorCode(error) === RESTJSONErrorCodes.RequestEntityTooLarge;

/** What a user reads when the bot lacks a permission: which one, and who can fix it. */
export function permissionText(permission: string, what: string): string {
  return `⚠ I could not ${what}: I need the **${permission}** permission in this channel. Ask a server admin to grant it to me.`;
}

/** A line for the operator's log: never the error object itself (a request body could echo a token). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return { name: error.name, status: error.status, code: error.code, message: error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
