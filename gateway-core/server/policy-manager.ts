/**
 * Policy changes on a running gateway: validate, diff, apply (hot reload), roll back, canary,
 * and receive from other replicas, each written to the audit log and the policy-version gauge.
 *
 * Versions come from one PolicyStore (1, 2, ...; a rollback is a new version with the old hash)
 * and are handed to the engine, whose in-flight tickets keep the version they started with, so
 * a reload drops nothing. A canary document gets its own store version too: it is recorded and
 * the control document is restored as the next version, so every number names one document.
 * Version numbers are per replica; the content hash names a document fleet-wide.
 */
import { SluiceError } from '../errors.js';
import { diffPolicies, formatDiff } from '../policy/diff.js';
import { PolicyResolver } from '../policy/effective.js';
import type { PolicyDocument } from '../policy/schema.js';
import { validatePolicy } from '../policy/validate.js';
import type { PolicyVersion, PolicyStore } from '../policy/version.js';
import type { EngineDriver } from './engine-driver.js';
import type { PolicyBus, PublishedPolicy } from './redis/policy-bus.js';
import type { AuditEntry, AuditLog } from './telemetry/audit-log.js';
import type { GatewayMetrics } from './telemetry/gateway-metrics.js';

export type SplitBy = 'apiKey' | 'requestId' | 'tenant';

export interface ApplyResult {
  version: number;
  hash: string;
  changed: boolean;
  diff: string[];
}

export class PolicyManager {
  readonly store: PolicyStore;
  resolver: PolicyResolver;
  bus: PolicyBus | null = null;
  private pendingPublish: PolicyDocument | null = null;
  private canary: { version: number; percent: number; by: SplitBy } | null = null;

  constructor(
    private readonly driver: EngineDriver,
    initial: PolicyVersion,
    store: PolicyStore,
    private readonly audit: AuditLog,
    private readonly metrics: GatewayMetrics,
    private readonly replicaId: string,
    private readonly log: (msg: string, fields: Record<string, unknown>) => void,
  ) {
    this.store = store;
    this.resolver = new PolicyResolver(initial.doc);
    metrics.policyVersion.set(initial.version);
  }

  current(): PolicyVersion {
    const c = this.store.current();
    if (c === null) throw new Error('PolicyManager: no policy');
    return c;
  }

  get canaryState(): { version: number; percent: number; by: SplitBy } | null {
    return this.canary;
  }

  private record(action: AuditEntry['action'], v: PolicyVersion | null, by: string, details: string[]): void {
    this.audit.write({
      time: new Date(this.driver.clock.now()).toISOString(),
      action,
      version: v?.version ?? null,
      hash: v?.hash ?? null,
      by,
      details,
    });
    this.log(`policy ${action}`, {
      version: v?.version ?? null,
      hash: v?.hash ?? null,
      by,
      changes: details.length,
    });
  }

  /** Validates and diffs against the current policy without changing anything. */
  dryRun(doc: unknown): { ok: true; diff: string[] } | { ok: false; errors: string[] } {
    const v = validatePolicy(doc);
    if (!v.ok) return v;
    return { ok: true, diff: formatDiff(diffPolicies(this.current().doc, v.policy)) };
  }

  /** Validates, records and applies `doc` as the new control policy. Throws SLUICE_POLICY_INVALID. */
  apply(doc: unknown, by: string, publish = true): ApplyResult {
    const before = this.current();
    const r = this.store.propose(doc, by, this.driver.clock.now());
    if (!r.ok) {
      this.record('reject', null, by, r.errors);
      throw new SluiceError(
        'SLUICE_POLICY_INVALID',
        `policy rejected: ${r.errors.length} problem(s)`,
        r.errors,
      );
    }
    const diff = formatDiff(diffPolicies(before.doc, r.version.doc));
    if (!r.changed) return { version: r.version.version, hash: r.version.hash, changed: false, diff };
    this.install(r.version);
    this.record(by.startsWith('bus:') ? 'remote-apply' : 'apply', r.version, by, diff);
    if (publish) this.publish(r.version.doc);
    return { version: r.version.version, hash: r.version.hash, changed: true, diff };
  }

  rollback(version: number, by: string): ApplyResult {
    const before = this.current();
    const v = this.store.rollback(version, by, this.driver.clock.now());
    const diff = formatDiff(diffPolicies(before.doc, v.doc));
    const changed = v.version !== before.version;
    if (changed) {
      this.install(v);
      this.record('rollback', v, by, [`restores version ${version}`, ...diff]);
      this.publish(v.doc);
    }
    return { version: v.version, hash: v.hash, changed, diff };
  }

  /** Canary: `percent`% of traffic (by a stable hash of `split`) runs `doc` or stored version `version`. */
  setCanary(
    target: { policy?: unknown; version?: number },
    percent: number,
    split: SplitBy,
    by: string,
  ): { version: number; hash: string } {
    if (!(percent >= 0 && percent <= 100))
      throw new SluiceError('SLUICE_CONFIG_INVALID', `percent must be 0..100, got ${percent}`);
    const control = this.current();
    let canary: PolicyVersion;
    if (target.policy !== undefined) {
      const r = this.store.propose(target.policy, by, this.driver.clock.now());
      if (!r.ok)
        throw new SluiceError(
          'SLUICE_POLICY_INVALID',
          `canary policy rejected: ${r.errors.length} problem(s)`,
          r.errors,
        );
      canary = r.version;
      if (r.changed) {
        // Keep the control document current: restore it as the next version.
        const restored = this.store.rollback(control.version, by, this.driver.clock.now());
        this.install(restored);
      }
    } else if (target.version !== undefined) {
      const v = this.store.get(target.version);
      if (v === undefined)
        throw new SluiceError('SLUICE_POLICY_INVALID', `no policy version ${target.version}`);
      canary = v;
    } else throw new SluiceError('SLUICE_CONFIG_INVALID', 'canary needs "policy" or "version"');
    const doc = canary.doc;
    this.driver.mutate((e) => e.setCanary(doc, { percent, by: split, version: canary.version }));
    this.canary = { version: canary.version, percent, by: split };
    this.metrics.canaryPercent.set(percent);
    this.record('canary', canary, by, [
      `${percent}% by ${split}`,
      ...formatDiff(diffPolicies(control.doc, doc)),
    ]);
    return { version: canary.version, hash: canary.hash };
  }

  /** The canary's document becomes the control policy (as a new version). */
  promoteCanary(by: string): ApplyResult | null {
    if (this.canary === null) return null;
    const canaryDoc = this.store.get(this.canary.version)?.doc;
    this.clearCanary(by, false);
    if (canaryDoc === undefined) return null;
    const r = this.apply(canaryDoc, by);
    this.record('promote', this.current(), by, []);
    return r;
  }

  clearCanary(by: string, audit = true): void {
    if (this.canary === null) return;
    this.driver.mutate((e) => e.clearCanary());
    if (audit)
      this.record('clear-canary', this.current(), by, [`canary version ${this.canary.version} ended`]);
    this.canary = null;
    this.metrics.canaryPercent.set(0);
  }

  /** A policy published by another replica (or seen on catch-up). */
  onRemote(p: PublishedPolicy): void {
    try {
      this.apply(p.policy, `bus:${p.by}`, false);
    } catch (e) {
      this.log('remote policy rejected; keeping the last good one', {
        busVersion: p.version,
        error: String(e),
      });
    }
  }

  private install(v: PolicyVersion): void {
    const doc: PolicyDocument = v.doc;
    this.driver.mutate((e) => e.applyPolicy(doc, v.version));
    this.resolver = new PolicyResolver(doc);
    this.metrics.policyVersion.set(v.version);
  }

  private publish(doc: PolicyDocument): void {
    if (this.bus === null) return;
    this.pendingPublish = null;
    this.bus.publish(doc, this.replicaId).catch((e: unknown) => {
      this.pendingPublish = doc;
      this.log('policy publish failed; retrying until Redis answers', { error: String(e) });
    });
  }

  /** Called on the gateway's sync timer: re-sends a publish that failed, then catches up. */
  async sync(): Promise<void> {
    if (this.bus === null) return;
    if (this.pendingPublish !== null) this.publish(this.pendingPublish);
    await this.bus.catchUp();
  }
}
