/**
 * The rollout manager: a level-based reconcile step, run once per control interval.
 *
 *   state = actuator.currentVersion()                  (observed, never remembered)
 *   canary running?
 *     evidence = telemetry.window(canary.startedAt, now), split by arm and version
 *     report   = judge(canary, control, final = looks >= maxLooks)
 *     rollback        -> actuator.rollback()    RolledBack=True  (reason Harm)
 *     promote         -> actuator.promote()     Promoted=True
 *     inconclusive at the final look -> actuator.rollback()   (keep control; reason BudgetSpent)
 *     wait / early inconclusive -> nothing; look again next interval
 *   no canary, a proposal:
 *     same content hash as control -> nothing (idempotent)
 *     quarantined (rolled back within the last quarantineMs) -> held
 *     dry-run -> audit only;  otherwise actuator.applyCanary(doc, percent)
 *
 * Every proposal, verdict, promotion and rollback goes to the audit log with its evidence, and
 * each finished canary to `rollouts` (the run summary's field). The only memory kept is for the
 * record (what a version changed) and the quarantine that stops a rejected candidate from being
 * proposed again at once; a restarted manager judges a canary it finds running.
 */
import { contentHash } from '../../gateway-core/policy/version.js';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import type { PolicyActuator, TelemetrySource } from '../interfaces.js';
import type { JudgeReport, RolloutJudge, Verdict } from '../judge/rollout-judge.js';
import { armEvidence } from './arm-evidence.js';
import type { AuditLog } from './audit-log.js';
import { Conditions } from './conditions.js';

export interface Proposal {
  doc: PolicyDocument;
  /** What changed, in words (for the audit log and the run summary). */
  description: string;
  /** The tuners' evidence for the change (forecasts, observed latencies...). */
  evidence?: unknown;
  /** Tenants the candidate means to refuse more (abuse tightening): left out of the rejection check. */
  rejectionExempt?: readonly string[];
  /** The only tenants the candidate can affect: the judge compares their traffic alone. */
  scopeTenants?: readonly string[];
  /**
   * The canary slice for this candidate (default `canaryPercent`): a change whose effect per
   * request is small needs balanced arms for the judge to decide within its budget.
   */
  percent?: number;
}

export interface RolloutOptions {
  canaryPercent: number;
  intervalMs: number;
  /** Looks (control intervals) a canary may take before an undecided verdict keeps control. */
  maxLooks: number;
  /** How long a rolled-back candidate may not be proposed again. */
  quarantineMs: number;
  dryRun: boolean;
}

export const defaultRolloutOptions: RolloutOptions = {
  canaryPercent: 20,
  intervalMs: 10_000,
  maxLooks: 40,
  quarantineMs: 600_000,
  dryRun: false,
};

/** One finished canary, in the shape of the run summary's `rollouts`. */
export interface RolloutRecord {
  time: number;
  startedAt: number;
  change: string;
  controlVersion: number;
  canaryVersion: number;
  canaryPercent: number;
  verdict: Verdict;
  statistic: number | null;
  pValue: number | null;
  promoted: boolean;
  rolledBack: boolean;
  samples: { canary: number; control: number };
  reason: string;
}

export type ReconcileAction =
  | 'idle'
  | 'unchanged'
  | 'held'
  | 'dry-run'
  | 'canary-started'
  | 'waiting'
  | 'promoted'
  | 'rolled-back';

export interface ReconcileResult {
  action: ReconcileAction;
  report: JudgeReport | null;
  /** When to look again (ms from now). */
  requeueAfterMs: number;
}

export class RolloutManager {
  readonly options: RolloutOptions;
  readonly conditions = new Conditions();
  readonly rollouts: RolloutRecord[] = [];
  private readonly descriptions = new Map<number, string>();
  private readonly quarantine = new Map<string, number>();
  private readonly canaryHashes = new Map<number, string>();
  private readonly exempt = new Map<number, ReadonlySet<string>>();
  private readonly scopes = new Map<number, ReadonlySet<string>>();

  constructor(
    private readonly actuator: PolicyActuator,
    private readonly telemetry: TelemetrySource,
    private readonly judge: RolloutJudge,
    private readonly audit: AuditLog,
    options: Partial<RolloutOptions> = {},
  ) {
    this.options = { ...defaultRolloutOptions, ...options };
    if (!(this.options.canaryPercent > 0 && this.options.canaryPercent < 100))
      throw new RangeError('RolloutManager: canaryPercent must be in (0, 100)');
  }

  /** Whether a canary is running now (read from the actuator). */
  busy(): boolean {
    return this.actuator.currentVersion().canary !== null;
  }

  reconcile(now: number, proposal: Proposal | null): ReconcileResult {
    const state = this.actuator.currentVersion();
    const requeueAfterMs = this.options.intervalMs;
    if (state.canary !== null) return this.judgeCanary(now, state.control.version, state.canary);
    if (proposal === null) return { action: 'idle', report: null, requeueAfterMs };

    const hash = contentHash(proposal.doc);
    if (hash === contentHash(state.control.doc)) return { action: 'unchanged', report: null, requeueAfterMs };
    const until = this.quarantine.get(hash);
    if (until !== undefined && now < until) {
      this.audit.write({
        time: now,
        kind: 'held',
        change: proposal.description,
        reason: `rolled back; quarantined until ${until}`,
      });
      return { action: 'held', report: null, requeueAfterMs };
    }
    if (this.options.dryRun) {
      this.audit.write({
        time: now,
        kind: 'dry-run',
        change: proposal.description,
        hash,
        evidence: proposal.evidence ?? null,
      });
      return { action: 'dry-run', report: null, requeueAfterMs };
    }
    this.audit.write({
      time: now,
      kind: 'proposal',
      change: proposal.description,
      hash,
      evidence: proposal.evidence ?? null,
    });
    const percent = proposal.percent ?? this.options.canaryPercent;
    if (!(percent > 0 && percent < 100))
      throw new RangeError('RolloutManager: a canary percent must be in (0, 100)');
    const version = this.actuator.applyCanary(proposal.doc, percent);
    this.descriptions.set(version, proposal.description);
    this.canaryHashes.set(version, hash);
    this.exempt.set(version, new Set(proposal.rejectionExempt ?? []));
    if (proposal.scopeTenants) this.scopes.set(version, new Set(proposal.scopeTenants));
    this.audit.write({
      time: now,
      kind: 'canary',
      canaryVersion: version,
      controlVersion: state.control.version,
      percent,
    });
    this.conditions.set(now, 'Progressing', 'True', 'CanaryStarted', `version ${version} on ${percent}%`);
    this.conditions.set(now, 'CanaryHealthy', 'Unknown', 'Judging');
    this.conditions.set(now, 'Promoted', 'False', 'CanaryStarted');
    this.conditions.set(now, 'RolledBack', 'False', 'CanaryStarted');
    return { action: 'canary-started', report: null, requeueAfterMs };
  }

  private judgeCanary(
    now: number,
    controlVersion: number,
    canary: { version: number; percent: number; startedAt: number },
  ): ReconcileResult {
    const { intervalMs, maxLooks } = this.options;
    const records = this.telemetry.window(canary.startedAt, now);
    const exempt = this.exempt.get(canary.version) ?? new Set<string>();
    const scope = this.scopes.get(canary.version) ?? null;
    const c = armEvidence(records, 'canary', canary.version, exempt, scope);
    const k = armEvidence(records, 'control', controlVersion, exempt, scope);
    const looks = Math.floor((now - canary.startedAt) / intervalMs);
    const final = looks >= maxLooks;
    const report = this.judge.judge(c, k, { final });
    const change = this.descriptions.get(canary.version) ?? 'unknown change (found running)';
    this.audit.write({
      time: now,
      kind: 'verdict',
      canaryVersion: canary.version,
      controlVersion,
      look: looks,
      final,
      verdict: report.verdict,
      reason: report.reason,
      statistic: report.statistic,
      pValue: report.pValue,
      samples: report.samples,
      counts: {
        canary: {
          requests: c.requests,
          errors: c.errors,
          timeouts: c.timeouts,
          rejected: c.rejected,
          costUsd: c.costUsd,
        },
        control: {
          requests: k.requests,
          errors: k.errors,
          timeouts: k.timeouts,
          rejected: k.rejected,
          costUsd: k.costUsd,
        },
      },
      checks: report.checks,
    });
    const finish = (promoted: boolean): RolloutRecord => {
      const rec: RolloutRecord = {
        time: now,
        startedAt: canary.startedAt,
        change,
        controlVersion,
        canaryVersion: canary.version,
        canaryPercent: canary.percent,
        verdict: report.verdict,
        statistic: report.statistic,
        pValue: report.pValue,
        promoted,
        rolledBack: !promoted,
        samples: report.samples,
        reason: report.reason,
      };
      this.rollouts.push(rec);
      return rec;
    };
    if (report.verdict === 'promote') {
      this.actuator.promote();
      const rec = finish(true);
      this.audit.write({ ...rec, kind: 'promote' });
      this.conditions.set(now, 'CanaryHealthy', 'True', 'NonInferior', report.reason);
      this.conditions.set(now, 'Promoted', 'True', 'NonInferior', `version ${canary.version} is control`);
      this.conditions.set(now, 'Progressing', 'False', 'Promoted');
      return { action: 'promoted', report, requeueAfterMs: intervalMs };
    }
    if (report.verdict === 'rollback' || final) {
      this.actuator.rollback();
      const harm = report.verdict === 'rollback';
      const rec = finish(false);
      this.audit.write({ ...rec, kind: 'rollback' });
      this.quarantine.set(this.hashOfCanary(canary.version), now + this.options.quarantineMs);
      this.conditions.set(
        now,
        'CanaryHealthy',
        harm ? 'False' : 'Unknown',
        harm ? 'Harm' : 'BudgetSpent',
        report.reason,
      );
      this.conditions.set(now, 'RolledBack', 'True', harm ? 'Harm' : 'BudgetSpent', report.reason);
      this.conditions.set(now, 'Progressing', 'False', 'RolledBack');
      return { action: 'rolled-back', report, requeueAfterMs: intervalMs };
    }
    this.conditions.set(
      now,
      'CanaryHealthy',
      'Unknown',
      report.verdict === 'wait' ? 'Judging' : 'TooFewSamples',
      report.reason,
    );
    return { action: 'waiting', report, requeueAfterMs: intervalMs };
  }

  /** The hash of a version this manager canaried (for the quarantine). */
  private hashOfCanary(version: number): string {
    return this.canaryHashes.get(version) ?? `version:${version}`;
  }
}
