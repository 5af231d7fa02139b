/**
 * Fleet-wide per-user concurrency for the BullMQ runner. OSS BullMQ has no groups, so each user has a sorted set
 * of the jobs holding a slot, scored by lease expiry. Taking a slot is one Lua script (atomic across instances):
 * drop expired leases, then add the job if the user is below the cap (or already holds this slot). A running job
 * renews its lease; a worker killed by SIGKILL stops renewing, so its slot frees itself when the lease runs out
 * (the same time BullMQ takes to notice the stalled job), and the job is never counted twice.
 */
export interface RedisEval {
  eval(script: string, keyCount: number, ...args: Array<string | number>): Promise<unknown>;
  zrem(key: string, member: string): Promise<unknown>;
}

const takeScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

export interface UserSlots {
  /** True when the job may run now (its slot is held until `release`, renewed by `renew`). */
  take(userId: string, jobId: string): Promise<boolean>;
  renew(userId: string, jobId: string): Promise<void>;
  release(userId: string, jobId: string): Promise<void>;
}

export function createUserSlots(
  redis: RedisEval,
  options: { prefix: string; perUser: number; leaseMs: number; now?: () => number },
): UserSlots {
  const now = options.now ?? Date.now;
  const key = (userId: string) => `${options.prefix}:user-slots:${userId}`;
  const take = async (userId: string, jobId: string) => {
    const time = now();
    const taken = await redis.eval(
      takeScript,
      1,
      key(userId),
      time,
      time + options.leaseMs,
      jobId,
      options.perUser,
      options.leaseMs * 2,
    );
    return taken === 1;
  };
  return {
    take,
    async renew(userId, jobId) {
      await take(userId, jobId);
    },
    async release(userId, jobId) {
      await redis.zrem(key(userId), jobId);
    },
  };
}
