/**
 * `sluice controller`: the adaptive controller steering live gateways.
 *
 *   sluice controller --gateway URL... --influx URL --redis URL [--admin-token T]
 *                     [--interval 10s] [--dry-run] [--audit FILE] [--prewarm-k 32]
 *                     [--scale-pool NAME:MIN:MAX:DELAY]... [--scale-webhook URL] [--metrics-port N]
 *
 * Reads the gateways' interval records from InfluxDB, retunes the policy, canaries every change
 * through the gateways' admin API and promotes or rolls it back. With --redis, controllers
 * elect a leader (a second one stands by and takes over when the leader dies). Parses and
 * delegates to controller/live/; SIGTERM / SIGINT stop it and release the lock (the gateways
 * keep the policy they have).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { type LiveSetupOptions, buildLiveController } from '../../controller/live/live-setup.js';
import type { AuditSink } from '../../controller/rollout/audit-log.js';
import { SluiceError } from '../../gateway-core/errors.js';
import { parseDurationMs } from '../../gateway-core/policy/duration.js';

export interface ControllerArgs {
  gateway: string[];
  influx: string;
  influxDb: string[];
  redis?: string;
  adminToken?: string;
  interval: string;
  dryRun: boolean;
  audit?: string;
  capacityRps?: number;
  canaryPercent: number;
  id?: string;
  lockTtl?: string;
  prewarmK: number;
  scalePool: string[];
  scaleWebhook?: string;
  metricsPort?: number;
}

interface ScalePool {
  minInstances: number;
  maxInstances: number;
  provisioningDelayMs: number;
}

/** `NAME:MIN:MAX:DELAY` (e.g. `gpu:4:16:90s`): a pool the controller scales ahead. */
export function parseScalePool(value: string): [string, ScalePool] {
  const parts = value.split(':');
  const fail = (why: string): never => {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `--scale-pool "${value}": ${why}; expected NAME:MIN:MAX:DELAY, e.g. gpu:4:16:90s`,
    );
  };
  if (parts.length !== 4 || parts[0] === '') fail('four fields separated by ":"');
  const [name, lo, hi, delay] = parts;
  const min = Number(lo);
  const max = Number(hi);
  if (!Number.isInteger(min) || min < 0) fail(`MIN must be a whole number >= 0, got "${lo}"`);
  if (!Number.isInteger(max) || max < Math.max(1, min))
    fail(`MAX must be a whole number >= MIN and >= 1, got "${hi}"`);
  return [name, { minInstances: min, maxInstances: max, provisioningDelayMs: duration('scale-pool', delay) }];
}

function duration(flag: string, value: string): number {
  try {
    return parseDurationMs(/^[0-9.]+$/.test(value) ? Number(value) : value);
  } catch (e) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `--${flag}: ${(e as Error).message}`);
  }
}

function url(flag: string, value: string): string {
  try {
    new URL(value);
  } catch {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `--${flag} must be a URL, got "${value}"`);
  }
  return value;
}

function port(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `--metrics-port must be a port number (0-65535), got ${value}`,
    );
  return value;
}

/** The live controller's options the arguments stand for (no I/O). */
export function controllerOptions(
  a: ControllerArgs,
  audit: AuditSink,
  log?: LiveSetupOptions['log'],
): LiveSetupOptions {
  const adminToken = a.adminToken ?? process.env.SLUICE_ADMIN_TOKEN;
  if (adminToken === undefined || adminToken === '')
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      "the controller needs the gateways' admin token: --admin-token T or SLUICE_ADMIN_TOKEN",
    );
  if (a.gateway.length === 0)
    throw new SluiceError('SLUICE_CONFIG_INVALID', 'give at least one --gateway URL');
  if (!(a.canaryPercent > 0 && a.canaryPercent < 100))
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `--canary-percent must be in (0, 100), got ${a.canaryPercent}`,
    );
  return {
    id: a.id,
    gateways: a.gateway.map((g) => url('gateway', g)),
    adminToken,
    influx: { url: url('influx', a.influx), databases: a.influxDb.length > 0 ? a.influxDb : undefined },
    redis: a.redis !== undefined ? url('redis', a.redis) : null,
    lockTtlMs: a.lockTtl !== undefined ? duration('lock-ttl', a.lockTtl) : undefined,
    intervalMs: duration('interval', a.interval),
    dryRun: a.dryRun,
    audit,
    adaptive: {
      capacityRps: a.capacityRps,
      rollout: { canaryPercent: a.canaryPercent },
      ...(a.scalePool.length > 0 ? { backends: Object.fromEntries(a.scalePool.map(parseScalePool)) } : {}),
    },
    prewarm: a.prewarmK > 0 ? { k: a.prewarmK } : false,
    scale: {
      ...(a.scaleWebhook !== undefined ? { webhook: url('scale-webhook', a.scaleWebhook) } : {}),
      ...(a.metricsPort !== undefined ? { metricsPort: port(a.metricsPort) } : {}),
    },
    log,
  };
}

export async function runController(a: ControllerArgs): Promise<void> {
  const log = (msg: string, fields: Record<string, unknown>): void => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
  };
  let file: WriteStream | null = null;
  if (a.audit !== undefined) file = createWriteStream(a.audit, { flags: 'a' });
  const sink: AuditSink = (line) => {
    if (file !== null) file.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
  const setup = buildLiveController(controllerOptions(a, sink, log));
  await setup.start();
  log('sluice controller started', {
    controller: setup.controller.id,
    gateways: a.gateway,
    leader: setup.controller.isLeader(),
    dryRun: a.dryRun,
  });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log('stopping', { signal });
    setup
      .close()
      .then(() => new Promise<void>((resolve) => (file === null ? resolve() : file.end(resolve))))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

export const controllerCommand: CommandModule<object, ControllerArgs> = {
  command: 'controller',
  describe:
    'Run the adaptive controller against live gateways (InfluxDB telemetry, admin API, Redis leader lock)',
  builder: (y: Argv<object>) =>
    y
      .option('gateway', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Gateway base URL (repeat for every replica)',
      })
      .option('influx', {
        type: 'string',
        demandOption: true,
        describe: 'InfluxDB 1.x URL the gateways write to',
      })
      .option('influx-db', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'InfluxDB database(s) to read (default sluice)',
      })
      .option('redis', { type: 'string', describe: 'Redis URL for leader election (without it: no standby)' })
      .option('admin-token', {
        type: 'string',
        describe: "The gateways' admin token (or SLUICE_ADMIN_TOKEN)",
      })
      .option('interval', {
        type: 'string',
        default: '10s',
        describe: "Control interval (the gateways' telemetry interval)",
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Log proposals to the audit log; apply nothing',
      })
      .option('audit', {
        type: 'string',
        describe: 'Append the audit log (JSONL) to this file (default stdout)',
      })
      .option('capacity-rps', {
        type: 'number',
        describe: "The fleet's capacity in requests/s (rate-limit tuning is off without it)",
      })
      .option('canary-percent', { type: 'number', default: 20, describe: 'Traffic share of each canary' })
      .option('id', { type: 'string', describe: "This controller's name in the lock and the audit log" })
      .option('lock-ttl', { type: 'string', describe: 'Leader lock ttl (default 3 intervals)' })
      .option('prewarm-k', {
        type: 'number',
        default: 32,
        describe: 'Cache keys pre-warmed per interval at most (0: no pre-warming)',
      })
      .option('scale-pool', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'A backend pool to scale ahead, NAME:MIN:MAX:DELAY (e.g. gpu:4:16:90s); repeatable',
      })
      .option('scale-webhook', {
        type: 'string',
        describe: 'POST each desired-replicas change here (KEDA, an HPA adapter, a script)',
      })
      .option('metrics-port', {
        type: 'number',
        describe: 'Serve sluice_desired_replicas / sluice_scale_down_floor at /metrics on this port',
      })
      .example(
        '$0 controller --gateway http://10.0.0.1:8080 --gateway http://10.0.0.2:8080 --influx http://127.0.0.1:8086 --redis redis://127.0.0.1:6379 --admin-token s3cret --capacity-rps 200',
        'steer two replicas; start a second one the same way to stand by',
      )
      .example(
        '$0 controller --gateway http://10.0.0.1:8080 --influx http://127.0.0.1:8086 --admin-token s3cret --scale-pool vllm:2:12:2m --metrics-port 9464',
        'scale ahead: export desired replicas of the vllm pool for KEDA to scrape',
      )
      .example(
        '$0 controller --gateway http://127.0.0.1:8080 --influx http://127.0.0.1:8086 --redis redis://127.0.0.1:6379 --dry-run --audit proposals.jsonl',
        'dry run: write what it would change to proposals.jsonl',
      ) as unknown as Argv<ControllerArgs>,
  handler: async (a) => {
    await runController(a);
  },
};
