import { describe, expect, it } from 'vitest';
import { shardOptions } from '../src/bots/discord/client.js';
import { loadDiscordConfig, parseConfig } from '../src/config.js';
import { ImagineError } from '../src/core/errors.js';

const discordEnv = {
  IMAGE_API_KEY: 'sk-SENTINEL-shards-0042',
  DISCORD_TOKEN: 'discord-token-SENTINEL-shards',
  DISCORD_APPLICATION_ID: '1100000000000000001',
};

const shardsOf = (env: Record<string, string>) => parseConfig({ ...discordEnv, ...env }).discord?.shards;

function configError(env: Record<string, string>): ImagineError {
  try {
    parseConfig({ ...discordEnv, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ImagineError);
    return error as ImagineError;
  }
  throw new Error('expected a config error');
}

describe('DISCORD_SHARDS and DISCORD_SHARD_IDS', () => {
  it('leave discord.js its one shard when unset or empty', () => {
    expect(shardsOf({})).toBeUndefined();
    expect(shardsOf({ DISCORD_SHARDS: '', DISCORD_SHARD_IDS: ' ' })).toBeUndefined();
    expect(shardOptions(undefined)).toStrictEqual({});
  });

  it('run every shard of Discord’s recommended count with auto', () => {
    expect(shardsOf({ DISCORD_SHARDS: 'auto' })).toBe('auto');
    expect(shardsOf({ DISCORD_SHARDS: ' AUTO ' })).toBe('auto');
    expect(shardOptions('auto')).toStrictEqual({ shards: 'auto' });
  });

  it('run every shard of a number, or the listed ids of it', () => {
    expect(shardsOf({ DISCORD_SHARDS: '3' })).toStrictEqual({ count: 3, ids: [0, 1, 2] });
    expect(shardsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '2, 3' })).toStrictEqual({
      count: 4,
      ids: [2, 3],
    });
    expect(shardsOf({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1' })).toStrictEqual({ count: 2, ids: [1] });
    expect(shardOptions({ count: 4, ids: [2, 3] })).toStrictEqual({ shards: [2, 3], shardCount: 4 });
  });

  it('are read by `register discord` too, checked the same way', () => {
    const env = { ...discordEnv, DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0' };
    expect(loadDiscordConfig(env)?.shards).toStrictEqual({ count: 2, ids: [0] });
    expect(() => loadDiscordConfig({ ...env, DISCORD_SHARD_IDS: '2' })).toThrow(ImagineError);
  });

  it.each([
    [
      { DISCORD_SHARDS: '0' },
      'DISCORD_SHARDS',
      'DISCORD_SHARDS must be auto or a whole number of shards ≥ 1 (got "0").',
    ],
    [
      { DISCORD_SHARDS: 'two' },
      'DISCORD_SHARDS',
      'DISCORD_SHARDS must be auto or a whole number of shards ≥ 1 (got "two").',
    ],
    [
      { DISCORD_SHARDS: '1.5' },
      'DISCORD_SHARDS',
      'DISCORD_SHARDS must be auto or a whole number of shards ≥ 1 (got "1.5").',
    ],
    [
      { DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '0,x' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS must be comma-separated shard ids, whole numbers ≥ 0 (got "0,x").',
    ],
    [
      { DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '-1' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS must be comma-separated shard ids, whole numbers ≥ 0 (got "-1").',
    ],
    [
      { DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '0,,1' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS must be comma-separated shard ids, whole numbers ≥ 0 (got "0,,1").',
    ],
    [
      { DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '1,1' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS lists shard 1 twice (got "1,1").',
    ],
    [
      { DISCORD_SHARD_IDS: '0,1' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS needs DISCORD_SHARDS set to the total number of shards, e.g. DISCORD_SHARDS=4 (it is unset).',
    ],
    [
      { DISCORD_SHARDS: 'auto', DISCORD_SHARD_IDS: '0' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS needs DISCORD_SHARDS set to the total number of shards, e.g. DISCORD_SHARDS=4 (it is auto).',
    ],
    [
      { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1,2' },
      'DISCORD_SHARD_IDS',
      'DISCORD_SHARD_IDS must be below DISCORD_SHARDS=2: shard ids run from 0 to 1 (got 2).',
    ],
  ])('stop start-up with one line naming the variable: %j', (env, variable, message) => {
    const error = configError(env);
    expect(error.code).toBe('config');
    expect(error.option).toBe(variable);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain(discordEnv.DISCORD_TOKEN);
  });
});
