/**
 * Starts Sluice for the gateway-peers bench (PROJECT_GATEWAY_CMD): listens on $PORT, forwards to
 * $UPSTREAM_URL with the bench policy (bench-policy.ts). SLUICE_BENCH_REDIS=exact|leased also
 * starts a redis-server (in this process group, so its CPU counts as the gateway's) and shares
 * the limits through it.
 */
import { buildGateway } from '../../gateway-core/server/gateway-app.js';
import { startRedis } from '../../test/harness/services.js';
import { benchPolicy } from './bench-policy.js';

const port = Number(process.env.PORT ?? 18005);
const upstream = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:18000';
const redisMode = process.env.SLUICE_BENCH_REDIS;
const redis = redisMode === 'exact' || redisMode === 'leased' ? await startRedis() : null;
const app = await buildGateway({
  policy: benchPolicy(upstream),
  logLevel: process.env.SLUICE_LOG_LEVEL ?? 'warn',
  redis:
    redis !== null
      ? { url: redis.url, mode: redisMode as 'exact' | 'leased', leaseSize: 100, distributePolicy: false }
      : undefined,
});
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(
  `sluice bench gateway on 127.0.0.1:${port} -> ${upstream}${redis ? ` (redis ${redisMode})` : ''}\n`,
);
const stop = async (): Promise<void> => {
  await app.close();
  await redis?.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
