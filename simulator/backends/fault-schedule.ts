/**
 * Fault injection on a schedule. Each fault switches an effect on at `atMs` and off after
 * `durationMs` on one pool (or one instance of it), and is logged with its start and end so
 * that anomaly detectors can be scored against the ground truth (the run summary's `faults`).
 *
 *   slowdown  latency x factor              errors  share `rate` of attempts answer 5xx
 *   crash     one instance down, in-flight attempts lost, back after the duration (restart)
 *   outage    a whole pool down (region loss)
 */
import type { Environment } from '../kernel/environment.js';
import type { FaultEffect, UpstreamPool } from './upstream.js';

export interface FaultSpec {
  kind: 'slowdown' | 'errors' | 'crash' | 'outage';
  pool: string;
  instance?: string;
  atMs: number;
  durationMs: number;
  factor?: number;
  rate?: number;
}

export interface FaultLogEntry {
  kind: FaultSpec['kind'];
  pool: string;
  instance: string | null;
  /** Simulated seconds from the start of the run. */
  startS: number;
  endS: number;
  factor: number | null;
  rate: number | null;
}

function effectOf(f: FaultSpec): FaultEffect {
  switch (f.kind) {
    case 'slowdown':
      if (!(f.factor !== undefined && f.factor > 0)) throw new RangeError('slowdown fault needs factor > 0');
      return { kind: 'slowdown', factor: f.factor };
    case 'errors':
      if (!(f.rate !== undefined && f.rate >= 0 && f.rate <= 1))
        throw new RangeError('errors fault needs rate in [0, 1]');
      return { kind: 'errors', rate: f.rate };
    case 'crash':
      if (f.instance === undefined) throw new RangeError('crash fault needs an instance');
      return { kind: 'crash' };
    case 'outage':
      return { kind: 'outage' };
  }
}

export class FaultSchedule {
  readonly log: FaultLogEntry[] = [];

  constructor(
    private readonly env: Environment,
    private readonly pools: ReadonlyMap<string, UpstreamPool>,
  ) {}

  /** Schedules every fault; faults that start after `endMs` are not logged. */
  add(faults: readonly FaultSpec[], endMs: number): void {
    for (const f of faults) {
      const pool = this.pools.get(f.pool);
      if (pool === undefined) throw new RangeError(`fault on unknown backend pool "${f.pool}"`);
      const effect = effectOf(f);
      if (f.atMs >= endMs) continue;
      const instance = f.instance ?? null;
      this.log.push({
        kind: f.kind,
        pool: f.pool,
        instance,
        startS: f.atMs / 1000,
        endS: Math.min(f.atMs + f.durationMs, endMs) / 1000,
        factor: f.factor ?? null,
        rate: f.rate ?? null,
      });
      this.env.schedule(f.atMs, () => pool.fault(effect, instance, true), null);
      this.env.schedule(f.atMs + f.durationMs, () => pool.fault(effect, instance, false), null);
    }
  }
}
