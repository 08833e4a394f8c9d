/**
 * An ioredis client set up so that Redis trouble never makes a request wait: commands time out
 * after `commandTimeoutMs`, nothing queues while disconnected (`enableOfflineQueue: false`), each
 * command is tried at most once more, and reconnection goes on in the background for ever
 * (backoff 50 ms, doubling, capped at 1 s), so recovery after a Redis restart is automatic.
 */
import { Redis } from 'ioredis';

export interface RedisClientOptions {
  commandTimeoutMs?: number;
  /** Extra name for CLIENT LIST, e.g. the replica id. */
  name?: string;
}

export function connectRedis(url: string, opts: RedisClientOptions = {}): Redis {
  const client = new Redis(url, {
    commandTimeout: opts.commandTimeoutMs ?? 200,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    lazyConnect: false,
    connectionName: opts.name,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
    reconnectOnError: () => false,
  });
  // Connection errors are reported through the coordinator's health state; without a listener
  // ioredis would print every reconnect failure as an unhandled 'error' event.
  client.on('error', () => {});
  return client;
}

/** Resolves once the client is ready, or rejects after `ms`. */
export async function waitReady(client: Redis, ms = 5000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not ready after ${ms} ms (status ${client.status})`));
    }, ms);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
