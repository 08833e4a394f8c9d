/**
 * `sluice gateway`: runs the HTTP gateway.
 *
 *   sluice gateway --upstream URL [--port N] [--rpm N] [--tpm N]      quick start, no policy file
 *   sluice gateway --config FILE [--redis URL] [--influx URL] [--port N]
 *
 * Quick start accepts ANY bearer key (each key gets its own --rpm / --tpm limits) and forwards
 * the client's model name: for trying Sluice on a trusted network only. SIGTERM / SIGINT drain:
 * new requests get 503, in-flight ones finish, telemetry is flushed.
 */
import type { Argv, CommandModule } from 'yargs';
import { SluiceError } from '../../gateway-core/errors.js';
import { loadPolicyFile } from '../../gateway-core/policy/load.js';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import { buildGateway, type GatewayOptions } from '../../gateway-core/server/gateway-app.js';
import {
  QUICK_START_KEY,
  QUICK_START_MODEL,
  quickStartPolicy,
} from '../../gateway-core/server/quick-start-policy.js';

export interface GatewayArgs {
  upstream?: string;
  config?: string;
  port: number;
  host: string;
  rpm?: number;
  tpm?: number;
  redis?: string;
  redisMode: 'exact' | 'leased';
  leaseSize: number;
  influx?: string;
  adminToken?: string;
  auditLog?: string;
  logLevel: string;
  replicaId?: string;
}

/** The gateway options the arguments stand for (no I/O beyond reading the policy file). */
export function gatewayOptions(a: GatewayArgs): GatewayOptions {
  if ((a.upstream === undefined) === (a.config === undefined))
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      'give exactly one of --upstream URL (quick start) or --config FILE',
    );
  let policy: PolicyDocument;
  let quickStart: GatewayOptions['quickStart'];
  if (a.upstream !== undefined) {
    try {
      new URL(a.upstream);
    } catch {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `--upstream must be a URL, got "${a.upstream}"`);
    }
    policy = quickStartPolicy({
      upstream: a.upstream,
      rpm: a.rpm,
      tpm: a.tpm,
      upstreamApiKey: process.env.OPENAI_API_KEY,
    });
    quickStart = { key: QUICK_START_KEY, model: QUICK_START_MODEL };
  } else {
    if (a.rpm !== undefined || a.tpm !== undefined)
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        '--rpm and --tpm apply to quick start; with --config, set limits in the policy',
      );
    policy = loadPolicyFile(a.config!);
  }
  return {
    policy,
    quickStart,
    adminToken: a.adminToken ?? process.env.SLUICE_ADMIN_TOKEN,
    redis: a.redis !== undefined ? { url: a.redis, mode: a.redisMode, leaseSize: a.leaseSize } : undefined,
    influx: a.influx !== undefined ? { url: a.influx } : undefined,
    auditFile: a.auditLog,
    logLevel: a.logLevel,
    replicaId: a.replicaId,
  };
}

export async function runGateway(a: GatewayArgs): Promise<void> {
  const app = await buildGateway(gatewayOptions(a));
  await app.listen({ port: a.port, host: a.host });
  app.log.info(
    { port: a.port, host: a.host, mode: a.upstream !== undefined ? 'quick-start' : 'config' },
    'sluice gateway listening',
  );
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'draining');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

export const gatewayCommand: CommandModule<object, GatewayArgs> = {
  command: 'gateway',
  describe: 'Run the HTTP gateway (OpenAI-compatible proxy with the policy engine)',
  builder: (y: Argv<object>) =>
    y
      .option('upstream', {
        type: 'string',
        describe: 'Quick start: proxy to this OpenAI-compatible base URL (any bearer key accepted)',
      })
      .option('config', { type: 'string', describe: 'Policy file (YAML or JSON)' })
      .option('port', { type: 'number', default: Number(process.env.PORT ?? 8080), describe: 'Listen port' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Listen address' })
      .option('rpm', { type: 'number', describe: 'Quick start: requests per minute per key' })
      .option('tpm', { type: 'number', describe: 'Quick start: tokens per minute per key' })
      .option('redis', {
        type: 'string',
        describe: 'Redis URL: shared limits and policy distribution across replicas',
      })
      .option('redis-mode', {
        choices: ['exact', 'leased'] as const,
        default: 'exact' as const,
        describe: 'Shared limits: exact (Lua per decision) or leased (batches)',
      })
      .option('lease-size', { type: 'number', default: 20, describe: 'Leased mode: units per lease' })
      .option('influx', { type: 'string', describe: 'InfluxDB 1.x URL for interval records' })
      .option('admin-token', {
        type: 'string',
        describe: 'Bearer token for /admin/* (or SLUICE_ADMIN_TOKEN)',
      })
      .option('audit-log', { type: 'string', describe: 'JSONL file for the policy audit log' })
      .option('log-level', { type: 'string', default: 'info', describe: 'pino log level' })
      .option('replica-id', { type: 'string', describe: 'Name of this replica in logs and Redis' })
      .example(
        '$0 gateway --upstream http://127.0.0.1:8000/v1 --rpm 60',
        'Quick start: any key, 60 requests/min each',
      )
      .example(
        '$0 gateway --config policy.yaml --port 8080 --admin-token s3cret',
        'Full form with the admin API',
      )
      .example(
        '$0 gateway --config policy.yaml --redis redis://127.0.0.1:6379 --redis-mode leased --influx http://127.0.0.1:8086',
        'A replica sharing limits through Redis, telemetry to InfluxDB',
      )
      .check((a) => {
        if ((a.upstream === undefined) === (a.config === undefined))
          throw new Error('give exactly one of --upstream or --config');
        return true;
      }) as unknown as Argv<GatewayArgs>,
  handler: async (a) => {
    await runGateway(a);
  },
};
