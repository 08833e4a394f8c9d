/**
 * PolicyActuator and FleetActuator.applyPolicy over the gateways' admin API (undici fetch,
 * `Authorization: Bearer <admin token>`), applied to every gateway URL given.
 *
 * The controller's modes are synchronous, so this actuator works in three steps per interval:
 *
 *   await refresh()   GET /admin/policy and /admin/policy/versions from every gateway; the first
 *                     gateway that answers is the reference whose state currentVersion() reports
 *   mode.onInterval   applyCanary / promote / rollback / applyPolicy only set a TARGET for
 *                     every gateway (and update the reported state optimistically)
 *   await flush()     reconciles each gateway with its target, level-based:
 *                       canary wanted gone:  canary doc = target control ? POST canary/promote
 *                                                                        : DELETE canary
 *                       control hash differs: PUT /admin/policy
 *                       canary wanted and differs (hash or percent): POST /admin/canary
 *                     a gateway that matches its target is dropped from the pending set; one
 *                     that is down keeps its target and is retried at the next flush, never
 *                     throwing into the loop.
 *                     cache pre-warm: the keys prewarm() was given go by POST
 *                     /admin/cache/prewarm?wait=false to the gateways `prewarmTargets(key)` names
 *                     (those that can replay the key; default all), once: best effort, not
 *                     retried (the next interval's plan asks again for what is still not cached);
 *                     the gateways answer at once, so the loop never waits on an LLM's latency.
 *                     scaling: setDesiredInstances / releaseScaleDown go to the ScaleExport
 *                     (gauges, and a webhook flushed here), since a gateway owns no instances.
 *
 * Version numbers are per replica (the gateways' PolicyStore); the fleet-wide name of a document
 * is its content hash. Reported versions are the reference gateway's. Replicas that receive the
 * same changes in the same order number them alike, which is what telemetry's policyVersion tag
 * then matches; a replica that diverged (restarted, missed a change) is still converged by hash,
 * but its records carry other numbers and the judge does not count them.
 */
import { fetch } from 'undici';
import { contentHash } from '../../gateway-core/policy/version.js';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import type { FleetActuator, PolicyActuator, RolloutState } from '../interfaces.js';
import type { ScaleExport } from './scale-export.js';

export type CanarySplit = 'apiKey' | 'requestId' | 'tenant';

export interface GatewayAdminOptions {
  gateways: readonly string[];
  adminToken: string;
  /** What the canary percentage hashes (default requestId: every key is split). */
  splitBy?: CanarySplit;
  timeoutMs?: number;
  /** The controller's clock (ms, same epoch as the gateways' appliedAt: the wall clock). */
  now: () => number;
  /** Dry run: targets are computed and reported, nothing is sent. */
  dryRun?: boolean;
  /** Where a pre-warm of `key` goes (default: every gateway). */
  prewarmTargets?: (key: string) => readonly string[];
  /** Where scaling decisions go (absent: they are dropped). */
  scale?: ScaleExport;
}

interface PolicyRef {
  hash: string;
  /** Null for a document only the gateways hold (a canary another controller started). */
  doc: PolicyDocument | null;
}

interface Target {
  control: PolicyRef;
  canary: (PolicyRef & { percent: number }) | null;
}

export interface GatewayObserved {
  url: string;
  version: number;
  hash: string;
  doc: PolicyDocument;
  canary: { version: number; hash: string; percent: number; startedAt: number } | null;
}

export interface GatewayProblem {
  url: string;
  step: string;
  error: string;
}

export interface FlushReport {
  /** Calls that changed a gateway, e.g. `http://a PUT /admin/policy`. */
  sent: string[];
  problems: GatewayProblem[];
  /** Gateways still not on their target (retried next flush). */
  pending: string[];
  /** Pre-warm calls answered: keys sent and the count of each outcome. */
  prewarm: PrewarmSent[];
}

export interface PrewarmSent {
  url: string;
  keys: number;
  counts: Record<string, number>;
}

interface AdminPolicy {
  version: number;
  hash: string;
  policy: PolicyDocument;
  canary: { version: number; percent: number } | null;
}

interface AdminVersion {
  version: number;
  hash: string;
  appliedAt: number;
}

export class GatewayAdminActuator implements PolicyActuator, FleetActuator {
  readonly gateways: readonly string[];
  private readonly observed = new Map<string, GatewayObserved>();
  private readonly targets = new Map<string, Target>();
  /** Documents seen or sent, by content hash (the most recent 64). */
  private readonly docs = new Map<string, PolicyDocument>();
  private state: RolloutState | null = null;
  /** Keys to pre-warm at the next flush. */
  private readonly prewarmKeys = new Set<string>();
  /** Problems of the last refresh (gateways that did not answer). */
  lastRefreshProblems: GatewayProblem[] = [];

  constructor(private readonly o: GatewayAdminOptions) {
    if (o.gateways.length === 0) throw new RangeError('GatewayAdminActuator: no gateway URL');
    this.gateways = o.gateways.map((g) => g.replace(/\/+$/, ''));
  }

  private async call(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.o.adminToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 2000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  }

  private async observe(url: string): Promise<GatewayObserved> {
    const [p, versions] = (await Promise.all([
      this.call(url, 'GET', '/admin/policy'),
      this.call(url, 'GET', '/admin/policy/versions'),
    ])) as [AdminPolicy, AdminVersion[]];
    let canary: GatewayObserved['canary'] = null;
    if (p.canary !== null) {
      const v = versions.find((x) => x.version === p.canary?.version);
      canary = {
        version: p.canary.version,
        hash: v?.hash ?? '',
        percent: p.canary.percent,
        startedAt: v?.appliedAt ?? this.o.now(),
      };
    }
    this.remember(p.hash, p.policy);
    return { url, version: p.version, hash: p.hash, doc: p.policy, canary };
  }

  private remember(hash: string, doc: PolicyDocument): void {
    this.docs.delete(hash);
    this.docs.set(hash, doc);
    if (this.docs.size > 64) this.docs.delete(this.docs.keys().next().value as string);
  }

  /** Reads every gateway's state; false when none answered (the loop should skip the interval). */
  async refresh(): Promise<boolean> {
    const problems: GatewayProblem[] = [];
    await Promise.all(
      this.gateways.map(async (url) => {
        try {
          this.observed.set(url, await this.observe(url));
        } catch (e) {
          this.observed.delete(url);
          problems.push({ url, step: 'refresh', error: errorText(e) });
        }
      }),
    );
    this.lastRefreshProblems = problems;
    const ref = this.reference();
    if (ref === null) {
      this.state = null;
      return false;
    }
    this.state = {
      control: { version: ref.version, doc: ref.doc },
      canary:
        ref.canary === null
          ? null
          : { version: ref.canary.version, percent: ref.canary.percent, startedAt: ref.canary.startedAt },
    };
    return true;
  }

  /** The first gateway (in the order given) that answered the last refresh. */
  reference(): GatewayObserved | null {
    for (const url of this.gateways) {
      const o = this.observed.get(url);
      if (o !== undefined) return o;
    }
    return null;
  }

  gatewayState(url: string): GatewayObserved | undefined {
    return this.observed.get(url);
  }

  /** Gateways with a change not yet applied. */
  pending(): string[] {
    return [...this.targets.keys()];
  }

  currentVersion(): RolloutState {
    if (this.state === null) throw new Error('GatewayAdminActuator: no gateway state (refresh first)');
    return this.state;
  }

  /** The fleet as reported now, as a target (the canary by the reference gateway's hash). */
  private current(): { state: RolloutState; target: Target } {
    const state = this.currentVersion();
    // Every pending target is the latest intent (each call sets all gateways' at once).
    const pending = this.targets.values().next().value;
    const ref = this.reference();
    let canary: Target['canary'] = null;
    if (state.canary !== null) {
      const hash = pending?.canary?.hash ?? ref?.canary?.hash ?? '';
      canary = { hash, doc: this.docs.get(hash) ?? null, percent: state.canary.percent };
    }
    return {
      state,
      target: { control: { hash: contentHash(state.control.doc), doc: state.control.doc }, canary },
    };
  }

  private setTarget(t: Target): void {
    for (const url of this.gateways) this.targets.set(url, t);
  }

  applyCanary(doc: PolicyDocument, percent: number): number {
    const { state, target } = this.current();
    const hash = contentHash(doc);
    this.remember(hash, doc);
    this.setTarget({ control: target.control, canary: { hash, doc, percent } });
    // The gateway stores the canary as the next version and restores control after it.
    const version = state.control.version + 1;
    this.state = {
      control: { version: version + 1, doc: state.control.doc },
      canary: { version, percent, startedAt: this.o.now() },
    };
    return version;
  }

  promote(): void {
    const { state, target } = this.current();
    if (target.canary === null) return;
    // A canary found running (started by another controller) has no document here: the
    // gateways that hold it promote it (POST canary/promote), and the others get it by PUT once
    // a promoted gateway has shown it (refresh caches every control document by hash).
    this.setTarget({ control: { hash: target.canary.hash, doc: target.canary.doc }, canary: null });
    this.state = {
      control: { version: state.control.version + 1, doc: target.canary.doc ?? state.control.doc },
      canary: null,
    };
  }

  rollback(): void {
    const { state, target } = this.current();
    if (state.canary === null) return;
    this.setTarget({ control: target.control, canary: null });
    this.state = { control: state.control, canary: null };
  }

  applyPolicy(doc: PolicyDocument): void {
    const { state } = this.current();
    const hash = contentHash(doc);
    this.remember(hash, doc);
    this.setTarget({ control: { hash, doc }, canary: null });
    const changed = hash !== contentHash(state.control.doc);
    this.state = { control: { version: state.control.version + (changed ? 1 : 0), doc }, canary: null };
  }

  setDesiredInstances(backend: string, instances: number): void {
    this.o.scale?.setDesiredInstances(backend, instances);
  }

  releaseScaleDown(backend: string, instances: number | null): void {
    this.o.scale?.releaseScaleDown(backend, instances);
  }

  /** Loads these cache keys ahead of demand: sent at the next flush (see the header). */
  prewarm(keys: readonly string[]): void {
    for (const k of keys) this.prewarmKeys.add(k);
  }

  /** Keys waiting for the next flush's pre-warm calls. */
  pendingPrewarm(): string[] {
    return [...this.prewarmKeys];
  }

  private async sendPrewarm(report: FlushReport): Promise<void> {
    const byGateway = new Map<string, string[]>();
    for (const key of this.prewarmKeys) {
      for (const url of this.o.prewarmTargets?.(key) ?? this.gateways) {
        const list = byGateway.get(url);
        if (list === undefined) byGateway.set(url, [key]);
        else list.push(key);
      }
    }
    this.prewarmKeys.clear();
    await Promise.all(
      [...byGateway].map(async ([url, keys]) => {
        try {
          const r = (await this.call(url, 'POST', '/admin/cache/prewarm?wait=false', { keys })) as {
            counts: Record<string, number>;
          };
          report.sent.push(`${url} POST /admin/cache/prewarm?wait=false`);
          report.prewarm.push({ url, keys: keys.length, counts: r.counts });
        } catch (e) {
          report.problems.push({ url, step: 'prewarm', error: errorText(e) });
        }
      }),
    );
  }

  /** Sends each gateway what it needs to reach its target; never throws. */
  async flush(): Promise<FlushReport> {
    const report: FlushReport = { sent: [], problems: [], pending: [], prewarm: [] };
    if (this.o.dryRun) {
      report.pending = this.pending();
      this.prewarmKeys.clear();
      return report;
    }
    const prewarm = this.prewarmKeys.size > 0 ? this.sendPrewarm(report) : Promise.resolve();
    const scale = this.o.scale?.flush().then((r) => {
      report.sent.push(...r.sent);
      report.problems.push(...r.problems);
    });
    await Promise.all(
      [...this.targets.entries()].map(async ([url, target]) => {
        try {
          const done = await this.reconcile(url, target, report.sent);
          if (done && this.targets.get(url) === target) this.targets.delete(url);
        } catch (e) {
          report.problems.push({ url, step: 'flush', error: errorText(e) });
        }
      }),
    );
    await prewarm;
    await scale;
    report.pending = this.pending();
    return report;
  }

  /** One gateway towards its target; true once it is there. */
  private async reconcile(url: string, t: Target, sent: string[]): Promise<boolean> {
    let g = await this.observe(url);
    const send = async (method: string, path: string, body?: unknown): Promise<void> => {
      await this.call(url, method, path, body);
      sent.push(`${url} ${method} ${path}`);
    };
    if (t.canary === null && g.canary !== null) {
      if (g.canary.hash === t.control.hash) await send('POST', '/admin/canary/promote');
      else await send('DELETE', '/admin/canary');
      g = await this.observe(url);
    }
    if (g.hash !== t.control.hash) {
      const doc = t.control.doc ?? this.docs.get(t.control.hash);
      if (doc === undefined)
        throw new Error(`document ${t.control.hash.slice(0, 12)} not seen yet; retrying next interval`);
      await send('PUT', '/admin/policy', doc);
      g = await this.observe(url);
    }
    const canaryOff =
      t.canary !== null &&
      (g.canary === null || g.canary.hash !== t.canary.hash || g.canary.percent !== t.canary.percent);
    if (t.canary !== null && canaryOff) {
      if (t.canary.doc === null) throw new Error('a canary without its document cannot be set');
      await send('POST', '/admin/canary', {
        policy: t.canary.doc,
        percent: t.canary.percent,
        by: this.o.splitBy ?? 'requestId',
      });
      g = await this.observe(url);
    }
    this.observed.set(url, g);
    return (
      g.hash === t.control.hash && (t.canary === null ? g.canary === null : g.canary?.hash === t.canary.hash)
    );
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}
