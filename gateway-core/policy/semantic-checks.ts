/**
 * The rules a JSON Schema cannot express: references between sections (a model's backends, a
 * tenant's tier, a rule's models), "exactly one of" field groups, and uniqueness across the
 * whole document (API keys, key names, instance ids, limit ids within one level).
 *
 * Runs on documents that may also have failed the schema, so every read is narrowed first and a
 * value of the wrong type is skipped here (the schema already reports it): all problems are
 * reported in one pass, none twice.
 */
import { keyHashOf } from './api-key.js';
import { isValidDuration } from './duration.js';
import { limitIdOf } from './normalised-limit.js';
import { asRecord, formatPath, type Path, type PolicyIssue, showValue } from './policy-path.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;
const DURATION_SHAPE = /^[0-9]+(\.[0-9]+)?(ms|s|m|h|d)$/;
const BURST_ALGORITHMS = new Set(['token-bucket', 'leaky-bucket']);

export function semanticIssues(doc: unknown): PolicyIssue[] {
  const root = asRecord(doc);
  if (root === null) return [];
  return new SemanticChecker(root).run();
}

class SemanticChecker {
  private readonly issues: PolicyIssue[] = [];
  private readonly tiers: string[];
  private readonly models: string[];
  private readonly backends: string[];
  private readonly tenants: string[];
  /** Key hash -> where it was first defined; key name -> where. */
  private readonly keyHashes = new Map<string, Path>();
  private readonly keyNames = new Map<string, Path>();

  constructor(private readonly root: Record<string, unknown>) {
    this.tiers = Object.keys(asRecord(root.tiers) ?? {});
    this.models = Object.keys(asRecord(root.models) ?? {});
    this.backends = Object.keys(asRecord(root.backends) ?? {});
    this.tenants = Object.keys(asRecord(root.tenants) ?? {});
  }

  run(): PolicyIssue[] {
    const r = this.root;
    this.names(['tiers'], r.tiers);
    this.names(['models'], r.models);
    this.names(['backends'], r.backends);
    this.names(['tenants'], r.tenants);
    for (const [name, model] of entries(r.models)) this.model(['models', name], name, model);
    const instanceIds = new Map<string, Path>();
    for (const [name, backend] of entries(r.backends)) this.backend(['backends', name], backend, instanceIds);
    this.settings(['defaults'], r.defaults);
    for (const [name, tenant] of entries(r.tenants)) this.tenant(['tenants', name], tenant);
    this.overrides(['modelOverrides'], r.modelOverrides);
    this.routing(['routing'], asRecord(r.routing));
    this.duration(['cache', 'ttl'], asRecord(r.cache)?.ttl);
    this.duration(['telemetry', 'interval'], asRecord(r.telemetry)?.interval);
    return this.issues;
  }

  private add(path: Path, message: string): void {
    this.issues.push({ path, message });
  }

  /** `value` must be one of `defined` (when it is a string at all). */
  private ref(path: Path, value: unknown, kind: string, defined: readonly string[]): void {
    if (typeof value === 'string' && !defined.includes(value)) {
      this.add(path, `unknown ${kind} "${value}" (defined: ${defined.join(', ') || 'none'})`);
    }
  }

  private refs(path: Path, values: unknown, kind: string, defined: readonly string[]): void {
    if (!Array.isArray(values)) return;
    for (let i = 0; i < values.length; i++) this.ref([...path, i], values[i], kind, defined);
  }

  /** Map keys are names too: they are referenced elsewhere and appear in telemetry tags. */
  private names(path: Path, map: unknown): void {
    for (const [name] of entries(map)) {
      if (!NAME.test(name) || name.length > 128) {
        this.add(
          [...path, name],
          `name must start with a letter or digit and use only letters, digits and _.:/- (at most 128 characters), got ${JSON.stringify(name)}`,
        );
      }
    }
  }

  /** A duration that matches the schema's pattern but is zero (e.g. `0s`). */
  private duration(path: Path, value: unknown): void {
    if (typeof value === 'string' && DURATION_SHAPE.test(value) && !isValidDuration(value)) {
      this.add(path, `must be longer than zero, got ${JSON.stringify(value)}`);
    }
  }

  private model(path: Path, name: string, value: unknown): void {
    const m = asRecord(value);
    if (m === null) return;
    this.refs([...path, 'backends'], m.backends, 'backend', this.backends);
    this.ref([...path, 'cheaper'], m.cheaper, 'model', this.models);
    if (m.cheaper === name) this.add([...path, 'cheaper'], `must name a different model, got "${name}"`);
  }

  private backend(path: Path, value: unknown, instanceIds: Map<string, Path>): void {
    const b = asRecord(value);
    if (b === null) return;
    if (Array.isArray(b.instances)) {
      b.instances.forEach((inst, i) => {
        const id = asRecord(inst)?.id;
        if (typeof id !== 'string') return;
        const seen = instanceIds.get(id);
        // Telemetry and the balancer name instances by id alone, so ids are unique document-wide.
        if (seen)
          this.add(
            [...path, 'instances', i, 'id'],
            `duplicate instance id "${id}" (also ${formatPath(seen)})`,
          );
        else instanceIds.set(id, [...path, 'instances', i, 'id']);
      });
    }
    const queue = asRecord(b.queue);
    if (queue !== null) {
      const byTenant = queue.classBy === 'tenant';
      for (const [cls] of entries(queue.weights)) {
        this.ref(
          [...path, 'queue', 'weights', cls],
          cls,
          byTenant ? 'tenant' : 'tier',
          byTenant ? this.tenants : this.tiers,
        );
      }
    }
    const breaker = asRecord(b.breaker);
    if (breaker !== null) {
      if (breaker.slowCallRateThreshold !== undefined && breaker.slowCallMs === undefined) {
        this.add(
          [...path, 'breaker', 'slowCallRateThreshold'],
          'needs slowCallMs (what counts as a slow call)',
        );
      }
      this.duration([...path, 'breaker', 'window'], breaker.window);
      this.duration([...path, 'breaker', 'cooldown'], breaker.cooldown);
    }
    this.duration([...path, 'outlierEjection', 'ejection'], asRecord(b.outlierEjection)?.ejection);
    this.duration([...path, 'timeout'], b.timeout);
  }

  /** Fields every level of the hierarchy shares. */
  private settings(path: Path, value: unknown): void {
    const s = asRecord(value);
    if (s === null) return;
    if (Array.isArray(s.limits)) {
      const ids = new Map<string, number>();
      s.limits.forEach((spec, i) => {
        const l = asRecord(spec);
        if (l === null) return;
        // A malformed limit has no meaningful id: report its shape, not a duplicate as well.
        if (!this.limit([...path, 'limits', i], l)) return;
        const id = limitIdOf(l);
        const first = ids.get(id);
        if (first === undefined) ids.set(id, i);
        else
          this.add(
            [...path, 'limits', i],
            `duplicate limit id "${id}" (also ${formatPath([...path, 'limits', first])})`,
          );
      });
    }
    this.duration([...path, 'deadline'], s.deadline);
    this.refs([...path, 'allowedModels'], s.allowedModels, 'model', this.models);
  }

  /** Checks one limit; false when its shape (rpm / tpm / limit+period) is wrong. */
  private limit(path: Path, l: Record<string, unknown>): boolean {
    const hasRpm = l.rpm !== undefined;
    const hasTpm = l.tpm !== undefined;
    const hasLimit = l.limit !== undefined;
    const hasPeriod = l.period !== undefined;
    const groups = Number(hasRpm) + Number(hasTpm) + Number(hasLimit || hasPeriod);
    const shapeOk = groups === 1 && hasLimit === hasPeriod;
    if (groups !== 1) this.add(path, 'give exactly one of rpm, tpm or limit+period');
    else if (hasLimit !== hasPeriod)
      this.add(path, `${hasLimit ? 'limit needs a period' : 'period needs a limit'} (give both)`);
    if (hasRpm && l.unit !== undefined && l.unit !== 'requests') {
      this.add(
        [...path, 'unit'],
        `rpm counts requests, got ${showValue(l.unit)} (use tpm or limit+period for tokens)`,
      );
    }
    if (hasTpm && l.unit === 'requests') {
      this.add([...path, 'unit'], 'tpm counts tokens, got "requests" (use rpm or limit+period for requests)');
    }
    const algorithm = typeof l.algorithm === 'string' ? l.algorithm : 'token-bucket';
    if (l.burst !== undefined && !BURST_ALGORITHMS.has(algorithm)) {
      this.add(
        [...path, 'burst'],
        `applies only to token-bucket and leaky-bucket, got algorithm "${algorithm}"`,
      );
    }
    this.duration([...path, 'period'], l.period);
    return shapeOk;
  }

  /** `modelOverrides`: keys are models, values are settings. */
  private overrides(path: Path, value: unknown): void {
    for (const [model, settings] of entries(value)) {
      this.ref([...path, model], model, 'model', this.models);
      this.settings([...path, model], settings);
    }
  }

  private tenant(path: Path, value: unknown): void {
    const t = asRecord(value);
    if (t === null) return;
    this.ref([...path, 'tier'], t.tier, 'tier', this.tiers);
    this.settings(path, t);
    const budget = asRecord(t.budget);
    if (budget !== null) {
      this.ref([...path, 'budget', 'downgradeTo'], budget.downgradeTo, 'model', this.models);
      if (budget.downgradeTo !== undefined && budget.action !== 'downgrade') {
        const action =
          budget.action === undefined ? 'no action (default "reject")' : `action ${showValue(budget.action)}`;
        this.add(
          [...path, 'budget', 'downgradeTo'],
          `is used only when action is "downgrade", got ${action}`,
        );
      }
    }
    this.names([...path, 'keys'], t.keys);
    for (const [name, key] of entries(t.keys)) this.key([...path, 'keys', name], name, key);
    this.overrides([...path, 'modelOverrides'], t.modelOverrides);
  }

  private key(path: Path, name: string, value: unknown): void {
    const k = asRecord(value);
    if (k === null) return;
    this.settings(path, k);
    this.ref([...path, 'tier'], k.tier, 'tier', this.tiers);
    const otherName = this.keyNames.get(name);
    if (otherName) {
      this.add(
        path,
        `key name "${name}" is also used by ${formatPath(otherName)} (key names must be unique: limits and telemetry name keys by it)`,
      );
    } else this.keyNames.set(name, path);
    if ((k.key === undefined) === (k.hash === undefined)) {
      this.add(path, 'give exactly one of key (plaintext) or hash (sha256:<hex>)');
      return;
    }
    const hash = keyHashOf(k);
    if (hash === null) return;
    const other = this.keyHashes.get(hash);
    if (other) this.add(path, `same API key as ${formatPath(other)} (keys must be unique)`);
    else this.keyHashes.set(hash, path);
  }

  private routing(path: Path, routing: Record<string, unknown> | null): void {
    if (routing === null || !Array.isArray(routing.rules)) return;
    routing.rules.forEach((value, i) => {
      const rule = asRecord(value);
      if (rule === null) return;
      const rp = [...path, 'rules', i];
      const when = asRecord(rule.when);
      if (when !== null) {
        this.refs([...rp, 'when', 'tier'], when.tier, 'tier', this.tiers);
        this.refs([...rp, 'when', 'tenant'], when.tenant, 'tenant', this.tenants);
        this.refs([...rp, 'when', 'model'], when.model, 'model', this.models);
        const above = when.promptTokensAbove;
        const atMost = when.promptTokensAtMost;
        if (typeof above === 'number' && typeof atMost === 'number' && above >= atMost) {
          this.add(
            [...rp, 'when'],
            `promptTokensAbove (${above}) must be below promptTokensAtMost (${atMost}), or no request matches`,
          );
        }
      }
      this.ref([...rp, 'model'], rule.model, 'model', this.models);
      this.refs([...rp, 'backends'], rule.backends, 'backend', this.backends);
      if (rule.model === undefined && rule.backends === undefined) {
        this.add(rp, 'give model or backends (a rule that sets neither changes nothing)');
      }
    });
  }
}

function entries(value: unknown): [string, unknown][] {
  return Object.entries(asRecord(value) ?? {});
}
