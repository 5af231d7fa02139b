import { describe, expect, it } from 'vitest';
import { configSecrets, parseConfig } from '../src/config.js';
import { ImagineError } from '../src/core/errors.js';
import { modelTable } from '../src/core/models/table.js';

const secret = 'sk-SENTINEL-config-0042';

function configError(env: Record<string, string>): ImagineError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ImagineError);
    return error as ImagineError;
  }
  throw new Error('expected a config error');
}

describe('config', () => {
  it('applies the documented defaults', () => {
    expect(parseConfig({ IMAGE_API_KEY: secret })).toEqual({
      imageApi: {
        baseUrl: 'https://console.mixroute.io',
        apiKey: secret,
        timeoutMs: 180_000,
        maxRetries: 2,
        concurrency: 4,
      },
      defaultModel: 'gemini-2.5-flash-image',
      storeUrl: 'sqlite://data/imagine-bot.sqlite',
      storeNamespace: 'imagine-bot',
      imageStoreUrl: 'file://data/images',
      limits: {
        userConcurrency: 2,
        userPerMinute: 6,
        userPerDay: 100,
        channelPerDay: 0,
        maxPromptChars: 4000,
      },
      attachments: { maxBytes: 25 * 1024 * 1024, maxConcurrentDownloads: 4 },
      historyTurns: 8,
      imageTtlMs: 7 * 24 * 60 * 60 * 1000,
      shutdownGraceMs: 25_000,
      metrics: { host: '127.0.0.1', port: 9464 },
      board: {
        linkTtlMs: 7 * 24 * 60 * 60 * 1000,
        host: '0.0.0.0',
        favouriteTtlMs: 90 * 24 * 60 * 60 * 1000,
      },
      jobStalledMs: 30_000,
      adminIds: [],
      logLevel: 'info',
    });
  });

  it('keeps images where the state is when IMAGE_STORE_URL is not set: Redis and memory stores, else files', () => {
    const imagesWith = (env: Record<string, string>) =>
      parseConfig({ IMAGE_API_KEY: secret, ...env }).imageStoreUrl;
    expect(imagesWith({ STORE_URL: 'redis://cache:6379/2' })).toBe('redis://cache:6379/2');
    expect(imagesWith({ STORE_URL: 'rediss://cache:6380' })).toBe('rediss://cache:6380');
    expect(imagesWith({ STORE_URL: 'memory://' })).toBe('memory://');
    expect(imagesWith({ STORE_URL: 'sqlite://state.sqlite' })).toBe('file://data/images');
    expect(imagesWith({ STORE_URL: 'redis://cache:6379', IMAGE_STORE_URL: 'file:///srv/images' })).toBe(
      'file:///srv/images',
    );
  });

  it('reads STORE_NAMESPACE and JOB_STALLED_MS for bots sharing one Redis', () => {
    const config = parseConfig({ IMAGE_API_KEY: secret, STORE_NAMESPACE: 'team-b', JOB_STALLED_MS: '5000' });
    expect(config.storeNamespace).toBe('team-b');
    expect(config.jobStalledMs).toBe(5000);
  });

  it('reads the team board’s variables, with one-line errors for bad values, and redacts BOARD_SECRET', () => {
    const config = parseConfig({
      IMAGE_API_KEY: secret,
      BOARD_SECRET: 'board-SENTINEL-77',
      PUBLIC_URL: 'https://imagine.example.com/',
      BOARD_LINK_TTL: '12h',
      BOARD_PORT: '8080',
      FAVOURITE_TTL_DAYS: '30',
    });
    expect(config.board).toStrictEqual({
      secret: 'board-SENTINEL-77',
      publicUrl: 'https://imagine.example.com',
      linkTtlMs: 12 * 60 * 60 * 1000,
      port: 8080,
      host: '0.0.0.0',
      favouriteTtlMs: 30 * 24 * 60 * 60 * 1000,
    });
    expect(configSecrets(config)).toContain('board-SENTINEL-77');
    expect(configError({ IMAGE_API_KEY: secret, BOARD_LINK_TTL: 'soon' }).message).toBe(
      'BOARD_LINK_TTL must be a duration such as 7d, 12h or 30m (got "soon").',
    );
    expect(configError({ IMAGE_API_KEY: secret, PUBLIC_URL: 'ftp://files' }).message).toBe(
      'PUBLIC_URL must be the http(s) address people reach the bot at (got "ftp://files").',
    );
    expect(configError({ IMAGE_API_KEY: secret, BOARD_PORT: '70000' }).message).toBe(
      'BOARD_PORT must be a port number 0–65535 (got "70000").',
    );
  });

  it('resolves a model alias in DEFAULT_MODEL and strips a trailing slash from the base URL', () => {
    const config = parseConfig({
      IMAGE_API_KEY: secret,
      DEFAULT_MODEL: 'seedream-4',
      IMAGE_API_BASE_URL: 'http://127.0.0.1:8787/',
    });
    expect(config.defaultModel).toBe('doubao-seedream-4-0-250828');
    expect(config.imageApi.baseUrl).toBe('http://127.0.0.1:8787');
  });

  it.each([
    [{}, 'IMAGE_API_KEY is required: the API key of the image API (sk-…).'],
    [{ IMAGE_API_KEY: '  ' }, 'IMAGE_API_KEY is required: the API key of the image API (sk-…).'],
    [
      { IMAGE_API_KEY: secret, IMAGE_API_TIMEOUT_MS: 'soon' },
      'IMAGE_API_TIMEOUT_MS must be a whole number of milliseconds ≥ 1000 (got "soon").',
    ],
    [
      { IMAGE_API_KEY: secret, IMAGE_API_CONCURRENCY: '0' },
      'IMAGE_API_CONCURRENCY must be a whole number ≥ 1 (got "0").',
    ],
    [
      { IMAGE_API_KEY: secret, MAX_PROMPT_CHARS: '0' },
      'MAX_PROMPT_CHARS must be a whole number of characters ≥ 1 (got "0").',
    ],
    [
      { IMAGE_API_KEY: secret, MAX_ATTACHMENT_BYTES: '25MB' },
      'MAX_ATTACHMENT_BYTES must be a whole number of bytes ≥ 1024 (got "25MB").',
    ],
    [
      { IMAGE_API_KEY: secret, MAX_CONCURRENT_DOWNLOADS: '0' },
      'MAX_CONCURRENT_DOWNLOADS must be a whole number ≥ 1 (got "0").',
    ],
    [
      { IMAGE_API_KEY: secret, IMAGE_API_BASE_URL: 'ftp://x' },
      'IMAGE_API_BASE_URL must be an http(s) URL (got "ftp://x").',
    ],
    [
      { IMAGE_API_KEY: secret, LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of debug, info, warn, error, silent.',
    ],
    [
      { IMAGE_API_KEY: secret, IMAGE_STORE_URL: 'gs://bucket' },
      'IMAGE_STORE_URL must start with file://PATH, memory://, redis://, rediss:// or s3://BUCKET.',
    ],
    [
      { IMAGE_API_KEY: secret, IMAGE_STORE_URL: 'file://' },
      'IMAGE_STORE_URL must start with file://PATH, memory://, redis://, rediss:// or s3://BUCKET.',
    ],
    [
      { IMAGE_API_KEY: secret, IMAGE_STORE_URL: 's3://' },
      'IMAGE_STORE_URL must start with file://PATH, memory://, redis://, rediss:// or s3://BUCKET.',
    ],
    [
      { IMAGE_API_KEY: secret, STORE_NAMESPACE: 'team bot' },
      `STORE_NAMESPACE must be 1–64 letters, digits, '.', '_' or '-' (got "team bot").`,
    ],
    [
      { IMAGE_API_KEY: secret, JOB_STALLED_MS: '500' },
      'JOB_STALLED_MS must be a whole number of milliseconds ≥ 1000 (got "500").',
    ],
  ])('stops with one line naming the variable: %j', (env, message) => {
    const error = configError(env);
    expect(error.code).toBe('config');
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(secret);
  });

  // The text-to-image models, as the table's capabilities say: an edit-only model cannot answer a bare prompt.
  const textToImage = modelTable
    .filter((row) => row.capabilities.textToImage)
    .map((row) => row.aliases[0] ?? row.id)
    .join(', ');

  it('names the text-to-image models for an unknown DEFAULT_MODEL', () => {
    const error = configError({ IMAGE_API_KEY: secret, DEFAULT_MODEL: 'midjourney' });
    expect(error.message).toBe(
      `DEFAULT_MODEL must be a model that makes images from text: ${textToImage} (got "midjourney").`,
    );
    expect(error.option).toBe('DEFAULT_MODEL');
  });

  it.each(['seededit', 'qwen-edit', 'doubao-seededit-3-0-i2i-250628'])(
    'refuses the edit-only model %s as DEFAULT_MODEL, naming the text-to-image ones',
    (model) => {
      const error = configError({ IMAGE_API_KEY: secret, DEFAULT_MODEL: model });
      expect(error.code).toBe('config');
      expect(error.message).toBe(
        `DEFAULT_MODEL must be a model that makes images from text: ${textToImage} (got "${model}").`,
      );
      expect(error.message).toContain('nano-banana');
      expect(error.message).not.toMatch(/seededit,|qwen-edit,/);
    },
  );
});

describe('platform sections', () => {
  it('configures Discord only with both the token and the application id', () => {
    expect(parseConfig({ IMAGE_API_KEY: secret }).discord).toBeUndefined();
    const config = parseConfig({
      IMAGE_API_KEY: secret,
      DISCORD_TOKEN: 'discord-token-123',
      DISCORD_APPLICATION_ID: '1100000000000000001',
    });
    expect(config.discord).toMatchObject({
      token: 'discord-token-123',
      applicationId: '1100000000000000001',
      apiUrl: 'https://discord.com/api',
    });
  });

  it('configures Slack in HTTP mode or Socket Mode', () => {
    const http = parseConfig({
      IMAGE_API_KEY: secret,
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'shh-secret',
    });
    expect(http.slack).toMatchObject({
      botToken: 'xoxb-1',
      signingSecret: 'shh-secret',
      port: 3000,
      apiUrl: 'https://slack.com/api/',
    });
    const socket = parseConfig({
      IMAGE_API_KEY: secret,
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
    });
    expect(socket.slack?.appToken).toBe('xapp-1');
  });

  it.each([
    [
      { DISCORD_TOKEN: 'discord-token-123' },
      'DISCORD_APPLICATION_ID',
      'DISCORD_APPLICATION_ID is missing (Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID).',
    ],
    [
      { DISCORD_APPLICATION_ID: '1100000000000000001' },
      'DISCORD_TOKEN',
      'DISCORD_TOKEN is missing (Discord needs both DISCORD_TOKEN and DISCORD_APPLICATION_ID).',
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      'SLACK_SIGNING_SECRET',
      'SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode) is missing (Slack needs one of them with SLACK_BOT_TOKEN).',
    ],
    [
      { SLACK_SIGNING_SECRET: 'shh-secret' },
      'SLACK_BOT_TOKEN',
      'SLACK_BOT_TOKEN is missing (Slack needs it with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN).',
    ],
    [
      { SLACK_APP_TOKEN: 'xapp-1' },
      'SLACK_BOT_TOKEN',
      'SLACK_BOT_TOKEN is missing (Slack needs it with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN).',
    ],
  ])('names what is missing of half-set credentials: %j', (credentials, variable, message) => {
    const error = configError({ IMAGE_API_KEY: secret, ...credentials });
    expect(error.code).toBe('config');
    expect(error.option).toBe(variable);
    expect(error.message).toBe(message);
    for (const value of Object.values(credentials)) expect(error.message).not.toContain(value);
  });
});
