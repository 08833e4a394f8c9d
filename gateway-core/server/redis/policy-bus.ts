/**
 * Policy distribution between replicas. Publishing is one atomic script: INCR
 * `sluice:policy:version`, SET `sluice:policy:current` = {version, by, policy}, PUBLISH the
 * version on `sluice:policy` (so two publishers can never leave an older document current). A replica applies any version newer than its
 * own; one that missed a message (down, partitioned, subscribed late) catches up by reading the
 * current key on (re)connection and on every `catchUp()` (the server calls it on a timer).
 */
import type { Redis } from 'ioredis';

export const POLICY_CHANNEL = 'sluice:policy';
const VERSION_KEY = 'sluice:policy:version';
const CURRENT_KEY = 'sluice:policy:current';

const PUBLISH_LUA = `
local v = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], '{"version":' .. v .. ',"by":' .. cjson.encode(ARGV[2]) .. ',"policy":' .. ARGV[1] .. '}')
redis.call('PUBLISH', ARGV[3], tostring(v))
return v
`;

export interface PublishedPolicy {
  version: number;
  policy: unknown;
  /** Who published it (replica id, `admin`, `controller`). */
  by: string;
}

export class PolicyBus {
  /** Highest version seen (applied or skipped as not newer). */
  private seen = 0;
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly subscriber: Redis,
    private readonly onPolicy: (p: PublishedPolicy) => void,
  ) {}

  /** Subscribes and reads the current version. Resolves once subscribed (or throws when Redis is down). */
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === POLICY_CHANNEL && Number(message) > this.seen) void this.catchUp();
    });
    this.subscriber.on('ready', () => void this.catchUp());
    this.client.on('ready', () => void this.catchUp());
    await this.subscriber.subscribe(POLICY_CHANNEL);
    await this.catchUp();
  }

  /** Marks a version as already applied here (the one this replica started with or published). */
  markSeen(version: number): void {
    if (version > this.seen) this.seen = version;
  }

  get version(): number {
    return this.seen;
  }

  /** Stores and announces a new policy; returns its version. */
  async publish(policy: unknown, by: string): Promise<number> {
    const reply = await this.client.eval(
      PUBLISH_LUA,
      2,
      VERSION_KEY,
      CURRENT_KEY,
      JSON.stringify(policy),
      by,
      POLICY_CHANNEL,
    );
    const version = Number(reply);
    this.markSeen(version);
    return version;
  }

  /** Reads the current record and applies it when newer. Never throws (Redis down: try later). */
  async catchUp(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const raw = await this.client.get(CURRENT_KEY);
      if (raw === null) return false;
      const rec = JSON.parse(raw) as PublishedPolicy;
      if (!(rec.version > this.seen)) return false;
      this.seen = rec.version;
      this.onPolicy(rec);
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    try {
      await this.subscriber.unsubscribe(POLICY_CHANNEL);
    } catch {
      // Redis may be down at shutdown: nothing to undo then.
    }
  }
}
