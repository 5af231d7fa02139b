import { z } from 'zod';
import { ImagineError } from './core/errors.js';

/**
 * Which of the bot's gateway shards this process runs: as many as Discord recommends (`GET /gateway/bot`), or
 * `ids` out of `count` (the total across every process of the bot, the same everywhere).
 */
export type DiscordShards = 'auto' | { count: number; ids: number[] };

const wholeNumberText = /^\d+$/;

/** A whole number written as digits alone (no sign, exponent or fraction), small enough to be exact. */
function digits(text: string): number | undefined {
  const value = Number(text);
  return wholeNumberText.test(text) && Number.isSafeInteger(value) ? value : undefined;
}

/** DISCORD_SHARDS and DISCORD_SHARD_IDS, each checked alone; `discordShards` checks them together. */
export const discordShardVariables = {
  DISCORD_SHARDS: z
    .string()
    .trim()
    .optional()
    .transform((value, context): number | 'auto' | undefined => {
      if (value === undefined || value === '') return undefined;
      if (value.toLowerCase() === 'auto') return 'auto';
      const count = digits(value);
      if (count !== undefined && count >= 1) return count;
      context.addIssue({
        code: 'custom',
        message: `DISCORD_SHARDS must be auto or a whole number of shards ≥ 1 (got "${value}").`,
      });
      return z.NEVER;
    }),
  DISCORD_SHARD_IDS: z
    .string()
    .trim()
    .optional()
    .transform((value, context): number[] | undefined => {
      if (value === undefined || value === '') return undefined;
      const ids = value.split(',').map((part) => digits(part.trim()));
      if (!ids.every((id) => id !== undefined)) {
        context.addIssue({
          code: 'custom',
          message: `DISCORD_SHARD_IDS must be comma-separated shard ids, whole numbers ≥ 0 (got "${value}").`,
        });
        return z.NEVER;
      }
      const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
      if (repeated === undefined) return ids;
      context.addIssue({
        code: 'custom',
        message: `DISCORD_SHARD_IDS lists shard ${repeated} twice (got "${value}").`,
      });
      return z.NEVER;
    }),
};

type ShardValues = {
  [Name in keyof typeof discordShardVariables]: z.output<(typeof discordShardVariables)[Name]>;
};

function shardError(message: string): ImagineError {
  return new ImagineError('config', message, { option: 'DISCORD_SHARD_IDS' });
}

/**
 * The two variables together. Ids only mean something out of a known total (every process must split the same
 * count), so DISCORD_SHARD_IDS needs a number in DISCORD_SHARDS and ids below it. Unset: discord.js's one shard.
 */
export function discordShards(values: ShardValues): DiscordShards | undefined {
  const { DISCORD_SHARDS: count, DISCORD_SHARD_IDS: ids } = values;
  if (ids === undefined) {
    if (count === undefined || count === 'auto') return count;
    return { count, ids: Array.from({ length: count }, (_, id) => id) };
  }
  if (typeof count !== 'number') {
    throw shardError(
      `DISCORD_SHARD_IDS needs DISCORD_SHARDS set to the total number of shards, e.g. DISCORD_SHARDS=4 ` +
        `(it is ${count === 'auto' ? 'auto' : 'unset'}).`,
    );
  }
  const outside = ids.find((id) => id >= count);
  if (outside === undefined) return { count, ids };
  throw shardError(
    `DISCORD_SHARD_IDS must be below DISCORD_SHARDS=${count}: shard ids run from 0 to ${count - 1} (got ${outside}).`,
  );
}
