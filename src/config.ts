import { existsSync } from 'node:fs';
import { z } from 'zod';
import { type BoardConfig, boardSection, boardVariables } from './config-board.js';
import { type DiscordShards, discordShards, discordShardVariables } from './config-discord-shards.js';
import { httpUrl, idList, modelName, optionalText, wholeNumber } from './config-values.js';
import { ImagineError } from './core/errors.js';
import { defaultStoreNamespace } from './core/store/store.js';

const defaultMaxAttachmentBytes = 25 * 1024 * 1024;

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
  IMAGE_STORE_URL: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return undefined;
      if (/^(file:\/\/.+|memory:\/\/|redis:\/\/|rediss:\/\/|s3:\/\/.+)/.test(value)) return value;
      context.addIssue({
        code: 'custom',
        message:
          'IMAGE_STORE_URL must start with file://PATH, memory://, redis://, rediss:// or s3://BUCKET.',
      });
      return z.NEVER;
    }),
  STORE_NAMESPACE: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return defaultStoreNamespace;
      if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) return value;
      context.addIssue({
        code: 'custom',
        message: `STORE_NAMESPACE must be 1–64 letters, digits, '.', '_' or '-' (got "${value}").`,
      });
      return z.NEVER;
    }),
  USER_CONCURRENCY: wholeNumber('USER_CONCURRENCY', 'a whole number ≥ 1', 1, 2),
  SHUTDOWN_GRACE_MS: wholeNumber('SHUTDOWN_GRACE_MS', 'a whole number of milliseconds ≥ 0', 0, 25_000),
  JOB_STALLED_MS: wholeNumber('JOB_STALLED_MS', 'a whole number of milliseconds ≥ 1000', 1000, 30_000),
  USER_RATE_LIMIT_PER_MINUTE: wholeNumber(
    'USER_RATE_LIMIT_PER_MINUTE',
    'a whole number ≥ 0 (0 = no limit)',
    0,
    6,
  ),
  USER_DAILY_QUOTA: wholeNumber('USER_DAILY_QUOTA', 'a whole number ≥ 0 (0 = no limit)', 0, 100),
  CHANNEL_DAILY_QUOTA: wholeNumber('CHANNEL_DAILY_QUOTA', 'a whole number ≥ 0 (0 = no limit)', 0, 0),
  MAX_PROMPT_CHARS: wholeNumber('MAX_PROMPT_CHARS', 'a whole number of characters ≥ 1', 1, 4000),
  MAX_ATTACHMENT_BYTES: wholeNumber(
    'MAX_ATTACHMENT_BYTES',
    'a whole number of bytes ≥ 1024',
    1024,
    defaultMaxAttachmentBytes,
  ),
  MAX_CONCURRENT_DOWNLOADS: wholeNumber('MAX_CONCURRENT_DOWNLOADS', 'a whole number ≥ 1', 1, 4),
  HISTORY_TURNS: wholeNumber('HISTORY_TURNS', 'a whole number ≥ 2', 2, 8),
  IMAGE_TTL_DAYS: wholeNumber('IMAGE_TTL_DAYS', 'a whole number of days ≥ 1', 1, 7),
  ADMIN_IDS: idList,
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_GUILD_ID: optionalText,
  DISCORD_API_URL: httpUrl('DISCORD_API_URL', 'https://discord.com/api'),
  DISCORD_ALLOWED_GUILDS: idList,
  DISCORD_ALLOWED_CHANNELS: idList,
  DISCORD_ALLOWED_ROLES: idList,
  DISCORD_ADMIN_ROLES: idList,
  ...discordShardVariables,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: httpUrl('SLACK_API_URL', 'https://slack.com/api'),
  PORT: wholeNumber('PORT', 'a port number 0–65535', 0, 3000),
  SLACK_ALLOWED_TEAMS: idList,
  SLACK_ALLOWED_CHANNELS: idList,
  SLACK_ALLOWED_USERS: idList,
  SLACK_ADMIN_USERS: idList,
  // The operators' endpoints (/healthz, /readyz, /metrics): loopback unless told (a container sets 0.0.0.0).
  METRICS_PORT: wholeNumber('METRICS_PORT', 'a port number 0–65535 (0 = any free port)', 0, 9464),
  METRICS_HOST: optionalText,
  ...boardVariables,
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], {
      error: 'LOG_LEVEL must be one of debug, info, warn, error, silent.',
    })
    .default('info'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty.' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export interface Config {
  imageApi: { baseUrl: string; apiKey: string; timeoutMs: number; maxRetries: number; concurrency: number };
  defaultModel: string;
  storeUrl: string;
  /**
   * STORE_NAMESPACE: the prefix of every key the bot writes (store, Redis images, the BullMQ queue), so separate
   * bots (or test runs) can share one Redis. Every instance of one bot uses the same.
   */
  storeNamespace: string;
  /** Where image bytes live (the key-value store keeps only their hash and media type). */
  imageStoreUrl: string;
  limits: {
    userConcurrency: number;
    userPerMinute: number;
    userPerDay: number;
    channelPerDay: number;
    /** Longest prompt, in characters (code points), any entry accepts. */
    maxPromptChars: number;
  };
  /** Files users attach (Slack files, Discord attachments). */
  attachments: {
    /** Larger files are refused (by declared size before any request; a longer download is cut). */
    maxBytes: number;
    /** Attachment downloads in flight at once across the process. */
    maxConcurrentDownloads: number;
  };
  historyTurns: number;
  imageTtlMs: number;
  /** On SIGTERM/SIGINT, how long running jobs may finish before they are handed back. */
  shutdownGraceMs: number;
  /** BullMQ: how long a job whose worker died (stopped renewing its lock) waits before another worker takes it. */
  jobStalledMs: number;
  /** Platform-qualified ids (`discord:123…`, `slack:U0…`) that are admins everywhere. */
  adminIds: string[];
  /** Present when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set. */
  discord?: {
    token: string;
    applicationId: string;
    guildId?: string;
    apiUrl: string;
    allowedGuilds: string[];
    allowedChannels: string[];
    allowedRoles: string[];
    adminRoles: string[];
    /** DISCORD_SHARDS / DISCORD_SHARD_IDS; absent: discord.js's one shard. */
    shards?: DiscordShards;
  };
  /** Present when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) are set. */
  slack?: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl: string;
    port: number;
    allowedTeams: string[];
    allowedChannels: string[];
    allowedUsers: string[];
    adminUsers: string[];
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** LOG_FORMAT; unset: pretty at a terminal, JSON otherwise (`chooseLogFormat`). */
  logFormat?: 'json' | 'pretty';
  /** Where `start` and `worker` serve /healthz, /readyz and /metrics. */
  metrics: { host: string; port: number };
  /** The team board (BOARD_SECRET, BOARD_LINK_TTL, PUBLIC_URL, BOARD_PORT, BOARD_HOST, FAVOURITE_TTL_DAYS). */
  board: BoardConfig;
}

type ConfigValues = z.output<typeof configSchema>;

/** Only Discord's variables: `register discord` talks to Discord alone and needs no image API key. */
const discordSchema = configSchema.pick({
  DISCORD_TOKEN: true,
  DISCORD_APPLICATION_ID: true,
  DISCORD_GUILD_ID: true,
  DISCORD_API_URL: true,
  DISCORD_ALLOWED_GUILDS: true,
  DISCORD_ALLOWED_CHANNELS: true,
  DISCORD_ALLOWED_ROLES: true,
  DISCORD_ADMIN_ROLES: true,
  DISCORD_SHARDS: true,
  DISCORD_SHARD_IDS: true,
});

/**
 * Images live where the rest of the state lives unless told otherwise: instances that share a Redis `STORE_URL`
 * share their images through it too (no shared disk needed), a memory store keeps them in memory, else files.
 */
function defaultImageStoreUrl(storeUrl: string): string {
  if (/^rediss?:\/\//.test(storeUrl) || storeUrl.startsWith('memory://')) return storeUrl;
  return 'file://data/images';
}

function discordSection(values: z.output<typeof discordSchema>): Pick<Config, 'discord'> {
  const { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: applicationId } = values;
  const shards = discordShards(values);
  if (!token && !applicationId) return {};
  if (!token || !applicationId) {
    const missing = token ? 'DISCORD_APPLICATION_ID' : 'DISCORD_TOKEN';
    throw new ImagineError(
      'config',
      `${missing} is missing (Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID).`,
      { option: missing },
    );
  }
  return {
    discord: {
      token,
      applicationId,
      ...(values.DISCORD_GUILD_ID && { guildId: values.DISCORD_GUILD_ID }),
      apiUrl: values.DISCORD_API_URL,
      allowedGuilds: values.DISCORD_ALLOWED_GUILDS,
      allowedChannels: values.DISCORD_ALLOWED_CHANNELS,
      allowedRoles: values.DISCORD_ALLOWED_ROLES,
      adminRoles: values.DISCORD_ADMIN_ROLES,
      ...(shards && { shards }),
    },
  };
}

function slackSection(values: ConfigValues): Pick<Config, 'slack'> {
  const {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_APP_TOKEN: appToken,
  } = values;
  if (!botToken && !signingSecret && !appToken) return {};
  if (!botToken) {
    throw new ImagineError(
      'config',
      'SLACK_BOT_TOKEN is missing (Slack needs it with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN).',
      { option: 'SLACK_BOT_TOKEN' },
    );
  }
  if (!signingSecret && !appToken) {
    throw new ImagineError(
      'config',
      'SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode) is missing (Slack needs one of them with SLACK_BOT_TOKEN).',
      { option: 'SLACK_SIGNING_SECRET' },
    );
  }
  return {
    slack: {
      botToken,
      ...(signingSecret && { signingSecret }),
      ...(appToken && { appToken }),
      apiUrl: `${values.SLACK_API_URL}/`,
      port: values.PORT,
      allowedTeams: values.SLACK_ALLOWED_TEAMS,
      allowedChannels: values.SLACK_ALLOWED_CHANNELS,
      allowedUsers: values.SLACK_ALLOWED_USERS,
      adminUsers: values.SLACK_ADMIN_USERS,
    },
  };
}

/** The first issue as one line naming the variable; the API key's value never appears in it. */
function parseValues<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue?.path[0] ?? 'configuration');
  const message = issue?.message.startsWith(variable)
    ? issue.message
    : `${variable}: ${issue?.message ?? 'invalid'}`;
  throw new ImagineError('config', message, { option: variable });
}

/**
 * Parses the environment once. A missing or bad value is an ImagineError('config') whose message is one line naming
 * the variable and what it expects; the API key's value never appears in it.
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const values = parseValues(configSchema, env);
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
    storeNamespace: values.STORE_NAMESPACE,
    imageStoreUrl: values.IMAGE_STORE_URL ?? defaultImageStoreUrl(values.STORE_URL),
    limits: {
      userConcurrency: values.USER_CONCURRENCY,
      userPerMinute: values.USER_RATE_LIMIT_PER_MINUTE,
      userPerDay: values.USER_DAILY_QUOTA,
      channelPerDay: values.CHANNEL_DAILY_QUOTA,
      maxPromptChars: values.MAX_PROMPT_CHARS,
    },
    attachments: {
      maxBytes: values.MAX_ATTACHMENT_BYTES,
      maxConcurrentDownloads: values.MAX_CONCURRENT_DOWNLOADS,
    },
    historyTurns: values.HISTORY_TURNS,
    imageTtlMs: values.IMAGE_TTL_DAYS * 24 * 60 * 60 * 1000,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    jobStalledMs: values.JOB_STALLED_MS,
    adminIds: values.ADMIN_IDS,
    ...discordSection(values),
    ...slackSection(values),
    logLevel: values.LOG_LEVEL,
    ...(values.LOG_FORMAT !== undefined && { logFormat: values.LOG_FORMAT }),
    metrics: { host: values.METRICS_HOST ?? '127.0.0.1', port: values.METRICS_PORT },
    board: boardSection(values),
  };
}

/** Loads `.env` from the working directory when present (variables already set win), then parses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  loadEnvFile(env, envFile);
  return parseConfig(env);
}

/** Discord's section alone (undefined when its variables are not set), `.env` included, as `loadConfig` reads it. */
export function loadDiscordConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config['discord'] {
  loadEnvFile(env, envFile);
  return discordSection(parseValues(discordSchema, env)).discord;
}

function loadEnvFile(env: NodeJS.ProcessEnv, envFile: string): void {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
}

/** Every secret in the config, for log redaction. */
export function configSecrets(config: Config): string[] {
  return [
    config.imageApi.apiKey,
    config.discord?.token,
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.board.secret,
  ].filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
}
