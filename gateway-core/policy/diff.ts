/**
 * A structural diff of two policy documents, for reviews and for the audit log:
 *
 *   ~ tenants.acme.limits[rpm:apiKey].limit: 600 -> 900
 *   + tenants.globex.keys.ci: {"key":"<redacted>","tier":"free"}
 *   - models.gpt-4o.cheaper: "gpt-4o-mini"
 *
 * Objects are compared field by field. Arrays of objects are matched by `id` where every element
 * has a unique one (instances), limits by their merge id (given or `<unit>:<by>`), so reordering
 * them is not a change and a changed limit shows as one field, not a cascade of index shifts.
 * Other arrays of objects (routing rules: order matters) go by index; arrays of plain values
 * (backend chains, allowedModels) are compared whole, as one value.
 */
import { limitIdOf } from './normalised-limit.js';
import { asRecord, formatPath, type Path, type PathSegment } from './policy-path.js';
import { canonicalJson } from './version.js';

export interface PolicyChange {
  op: 'add' | 'remove' | 'change';
  /** Dotted path; array elements matched by id are written `[id]`. */
  path: string;
  from?: unknown;
  to?: unknown;
}

export function diffPolicies(a: unknown, b: unknown): PolicyChange[] {
  const changes: PolicyChange[] = [];
  diffValue(a, b, [], changes);
  return changes;
}

/** One line per change: `+ path: value`, `- path: value`, `~ path: from -> to`. */
export function formatDiff(changes: readonly PolicyChange[]): string[] {
  return changes.map((c) => {
    const show = (v: unknown) => JSON.stringify(redact(c.path, v));
    if (c.op === 'add') return `+ ${c.path}: ${show(c.to)}`;
    if (c.op === 'remove') return `- ${c.path}: ${show(c.from)}`;
    return `~ ${c.path}: ${show(c.from)} -> ${show(c.to)}`;
  });
}

function diffValue(a: unknown, b: unknown, path: Path, out: PolicyChange[]): void {
  const ra = asRecord(a);
  const rb = asRecord(b);
  if (ra !== null && rb !== null) {
    for (const [k, v] of Object.entries(ra)) {
      if (k in rb) diffValue(v, rb[k], [...path, k], out);
      else out.push({ op: 'remove', path: formatPath([...path, k]), from: v });
    }
    for (const [k, v] of Object.entries(rb)) {
      if (!(k in ra)) out.push({ op: 'add', path: formatPath([...path, k]), to: v });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArray(a, b, path, out);
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b))
    out.push({ op: 'change', path: formatPath(path), from: a, to: b });
}

function diffArray(a: unknown[], b: unknown[], path: Path, out: PolicyChange[]): void {
  const field = path[path.length - 1];
  const idsA = elementIds(a, field);
  const idsB = elementIds(b, field);
  if (idsA !== null && idsB !== null) {
    const indexB = new Map(idsB.map((id, i) => [id, i]));
    const seg = (id: string): PathSegment => ({ id });
    idsA.forEach((id, i) => {
      const j = indexB.get(id);
      if (j === undefined) out.push({ op: 'remove', path: formatPath([...path, seg(id)]), from: a[i] });
      else diffValue(a[i], b[j], [...path, seg(id)], out);
    });
    const inA = new Set(idsA);
    idsB.forEach((id, j) => {
      if (!inA.has(id)) out.push({ op: 'add', path: formatPath([...path, seg(id)]), to: b[j] });
    });
    return;
  }
  const objects = [...a, ...b].some((v) => typeof v === 'object' && v !== null);
  if (!objects) {
    if (canonicalJson(a) !== canonicalJson(b))
      out.push({ op: 'change', path: formatPath(path), from: a, to: b });
    return;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= b.length) out.push({ op: 'remove', path: formatPath([...path, i]), from: a[i] });
    else if (i >= a.length) out.push({ op: 'add', path: formatPath([...path, i]), to: b[i] });
    else diffValue(a[i], b[i], [...path, i], out);
  }
}

/** Ids that match elements across versions, or null when the elements have no unique ids. */
function elementIds(items: unknown[], field: PathSegment | undefined): string[] | null {
  const records = items.map(asRecord);
  if (records.some((r) => r === null)) return null;
  const ids = (records as Record<string, unknown>[]).map((r) =>
    field === 'limits' ? limitIdOf(r) : typeof r.id === 'string' ? r.id : null,
  );
  if (ids.some((id) => id === null)) return null;
  return new Set(ids).size === ids.length ? (ids as string[]) : null;
}

/** Hides plaintext API keys (`key`) and upstream secrets (`apiKey` not of the form `env:NAME`). */
function redact(path: string, value: unknown): unknown {
  const field = /(?:^|\.)([A-Za-z]+)$/.exec(path)?.[1];
  if (isSecret(field, value)) return '<redacted>';
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    const r = asRecord(v);
    if (r === null) return v;
    return Object.fromEntries(
      Object.entries(r).map(([k, x]) => [k, isSecret(k, x) ? '<redacted>' : visit(x)]),
    );
  };
  return visit(value);
}

function isSecret(field: string | undefined, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return field === 'key' || (field === 'apiKey' && !value.startsWith('env:'));
}
