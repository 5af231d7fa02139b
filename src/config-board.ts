import { z } from 'zod';
import { optionalText, wholeNumber } from './config-values.js';

const dayMs = 24 * 60 * 60 * 1000;
const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: dayMs };

/** `7d`, `12h`, `90m`, `30s`, or a bare number of milliseconds. */
const duration = (name: string, fallbackMs: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return fallbackMs;
      const match = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(value);
      const unit = durationUnits[(match?.[2] ?? 'ms').toLowerCase()];
      if (!match || unit === undefined || Number(match[1]) <= 0) {
        context.addIssue({
          code: 'custom',
          message: `${name} must be a duration such as 7d, 12h or 30m (got "${value}").`,
        });
        return z.NEVER;
      }
      return Number(match[1]) * unit;
    });

/** The team board's variables; its section of the config is present only when BOARD_SECRET is set. */
export const boardVariables = {
  BOARD_SECRET: optionalText,
  BOARD_LINK_TTL: duration('BOARD_LINK_TTL', 7 * dayMs),
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return undefined;
      try {
        const url = new URL(value);
        if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
      } catch {
        // reported below
      }
      context.addIssue({
        code: 'custom',
        message: `PUBLIC_URL must be the http(s) address people reach the bot at (got "${value}").`,
      });
      return z.NEVER;
    }),
  BOARD_PORT: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return undefined;
      const port = Number(value);
      if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
      context.addIssue({
        code: 'custom',
        message: `BOARD_PORT must be a port number 0–65535 (got "${value}").`,
      });
      return z.NEVER;
    }),
  BOARD_HOST: optionalText,
  FAVOURITE_TTL_DAYS: wholeNumber('FAVOURITE_TTL_DAYS', 'a whole number of days ≥ 1', 1, 90),
};

export interface BoardConfig {
  /** HMAC key of the board's links; absent: `/imagine board` says what to set. */
  secret?: string;
  linkTtlMs: number;
  /** Where people reach the bot (`https://bot.example.com`); the links start with it. */
  publicUrl?: string;
  /** The board's own server; absent: Slack's PORT in HTTP mode, else no board server. */
  port?: number;
  host: string;
  favouriteTtlMs: number;
}

type BoardValues = z.output<z.ZodObject<typeof boardVariables>>;

export function boardSection(values: BoardValues): BoardConfig {
  return {
    ...(values.BOARD_SECRET && { secret: values.BOARD_SECRET }),
    linkTtlMs: values.BOARD_LINK_TTL,
    ...(values.PUBLIC_URL && { publicUrl: values.PUBLIC_URL }),
    ...(values.BOARD_PORT !== undefined && { port: values.BOARD_PORT }),
    host: values.BOARD_HOST ?? '0.0.0.0',
    favouriteTtlMs: values.FAVOURITE_TTL_DAYS * dayMs,
  };
}
