import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ImagineError } from './core/errors.js';
import { findModel, modelTable } from './core/models/table.js';

const wholeNumber = (name: string, what: string, min: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min) {
        context.addIssue({ code: 'custom', message: `${name} must be ${what} (got "${value}").` });
        return z.NEVER;
      }
      return parsed;
    });

const httpUrl = (name: string, fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      const text = value === undefined || value === '' ? fallback : value;
      try {
        const url = new URL(text);
        if (url.protocol === 'http:' || url.protocol === 'https:') return text.replace(/\/+$/, '');
      } catch {}
      context.addIssue({ code: 'custom', message: `${name} must be an http(s) URL (got "${text}").` });
      return z.NEVER;
    });

const modelName = z
  .string()
  .trim()
  .optional()
  .transform((value, context) => {
    const name = value === undefined || value === '' ? 'gemini-2.5-flash-image' : value;
    const row = findModel(name);
    if (row) return row.id;
    const valid = modelTable.map((candidate) => candidate.aliases[0] ?? candidate.id).join(', ');
    context.addIssue({ code: 'custom', message: `DEFAULT_MODEL must be one of ${valid} (got "${name}").` });
    return z.NEVER;
  });

export const configSchema = z.object({
  IMAGE_API_BASE_URL: httpUrl('IMAGE_API_BASE_URL', 'https://console.mixroute.io'),
  IMAGE_API_KEY: z
    .string({ error: 'IMAGE_API_KEY is required: the API key of the image API (sk-…).' })
    .trim()
    .min(1, 'IMAGE_API_KEY is required: the API key of the image API (sk-…).'),
  IMAGE_API_TIMEOUT_MS: wholeNumber(
    'IMAGE_API_TIMEOUT_MS',
    'a whole number of milliseconds ≥ 1000',
    1000,
    180_000,
  ),
  IMAGE_API_MAX_RETRIES: wholeNumber('IMAGE_API_MAX_RETRIES', 'a whole number ≥ 0', 0, 2),
  IMAGE_API_CONCURRENCY: wholeNumber('IMAGE_API_CONCURRENCY', 'a whole number ≥ 1', 1, 4),
  DEFAULT_MODEL: modelName,
  STORE_URL: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      const url = value === undefined || value === '' ? 'sqlite://data/imagine-bot.sqlite' : value;
      if (/^(sqlite|memory|redis|rediss):\/\//.test(url)) return url;
      context.addIssue({
        code: 'custom',
        message: 'STORE_URL must start with sqlite://, memory://, redis:// or rediss://.',
      });
      return z.NEVER;
    }),
  USER_CONCURRENCY: wholeNumber('USER_CONCURRENCY', 'a whole number ≥ 1', 1, 2),
  USER_RATE_LIMIT_PER_MINUTE: wholeNumber(
    'USER_RATE_LIMIT_PER_MINUTE',
    'a whole number ≥ 0 (0 = no limit)',
    0,
    6,
  ),
  USER_DAILY_QUOTA: wholeNumber('USER_DAILY_QUOTA', 'a whole number ≥ 0 (0 = no limit)', 0, 100),
  CHANNEL_DAILY_QUOTA: wholeNumber('CHANNEL_DAILY_QUOTA', 'a whole number ≥ 0 (0 = no limit)', 0, 0),
  HISTORY_TURNS: wholeNumber('HISTORY_TURNS', 'a whole number ≥ 2', 2, 8),
  IMAGE_TTL_DAYS: wholeNumber('IMAGE_TTL_DAYS', 'a whole number of days ≥ 1', 1, 7),
  ADMIN_IDS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], {
      error: 'LOG_LEVEL must be one of debug, info, warn, error, silent.',
    })
    .default('info'),
});

export interface Config {
  imageApi: { baseUrl: string; apiKey: string; timeoutMs: number; maxRetries: number; concurrency: number };
  defaultModel: string;
  storeUrl: string;
  limits: {
    userConcurrency: number;
    userPerMinute: number;
    userPerDay: number;
    channelPerDay: number;
  };
  historyTurns: number;
  imageTtlMs: number;
  /** Platform-qualified ids (`discord:123…`, `slack:U0…`) that are admins everywhere. */
  adminIds: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

/**
 * Parses the environment once. A missing or bad value is an ImagineError('config') whose message is one line naming
 * the variable and what it expects; the API key's value never appears in it.
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    const message = issue?.message.startsWith(variable)
      ? issue.message
      : `${variable}: ${issue?.message ?? 'invalid'}`;
    throw new ImagineError('config', message, { option: variable });
  }
  const values = parsed.data;
  return {
    imageApi: {
      baseUrl: values.IMAGE_API_BASE_URL,
      apiKey: values.IMAGE_API_KEY,
      timeoutMs: values.IMAGE_API_TIMEOUT_MS,
      maxRetries: values.IMAGE_API_MAX_RETRIES,
      concurrency: values.IMAGE_API_CONCURRENCY,
    },
    defaultModel: values.DEFAULT_MODEL,
    storeUrl: values.STORE_URL,
    limits: {
      userConcurrency: values.USER_CONCURRENCY,
      userPerMinute: values.USER_RATE_LIMIT_PER_MINUTE,
      userPerDay: values.USER_DAILY_QUOTA,
      channelPerDay: values.CHANNEL_DAILY_QUOTA,
    },
    historyTurns: values.HISTORY_TURNS,
    imageTtlMs: values.IMAGE_TTL_DAYS * 24 * 60 * 60 * 1000,
    adminIds: values.ADMIN_IDS,
    logLevel: values.LOG_LEVEL,
  };
}

/** Loads `.env` from the working directory when present (variables already set win), then parses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(env);
}
