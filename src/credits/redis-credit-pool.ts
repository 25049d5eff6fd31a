// The cluster's shared pool of leased credits in Redis: take is one atomic script, so N nodes together
// spend exactly what was leased. The store still holds the rest (see credit-pool.ts).
import type { Redis } from "ioredis";
import type { CreditPool } from "./credit-pool.js";

// Decrements only when the balance covers the cost; returns {ok, balance}.
const TAKE = `
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if balance < cost then return {0, balance} end
return {1, redis.call('DECRBY', KEYS[1], cost)}
`;

// GETDEL needs Redis 6.2; a script keeps older servers working.
const DRAIN = `
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('DEL', KEYS[1])
return balance
`;

export class RedisCreditPool implements CreditPool {
  readonly shared = true;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "keyward:credits:",
  ) {}

  private key(ownerId: string): string {
    return this.prefix + ownerId;
  }

  async take(ownerId: string, cost: number) {
    const [ok, left] = (await this.redis.eval(TAKE, 1, this.key(ownerId), cost)) as [number, number];
    return { ok: ok === 1, left: Number(left) };
  }

  async add(ownerId: string, amount: number) {
    return Number(await this.redis.incrby(this.key(ownerId), amount));
  }

  async drain(ownerId: string) {
    return Number(await this.redis.eval(DRAIN, 1, this.key(ownerId)));
  }

  async balance(ownerId: string) {
    return Number((await this.redis.get(this.key(ownerId))) ?? 0);
  }
}
