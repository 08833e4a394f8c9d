/**
 * Turns ajv's errors into messages a person can act on: `tenants.acme.limits[0].rpm: must be a
 * positive integer, got -5` instead of `/tenants/acme/limits/0/rpm must be >= 1`.
 *
 * Three rewrites do most of the work:
 * - a union (`anyOf`) fails with one error per branch plus its own; keep only its own and say
 *   what the union accepts ("one of ...", "a duration ...");
 * - type and range errors on one value collapse into one "must be <what the schema describes>";
 * - unknown fields name themselves, the closest allowed field, and the allowed list.
 */
import { nearestName } from '../nearest-name.js';
import type { ErrorObject } from 'ajv';
import { asRecord, type PathSegment, type PolicyIssue, showValue } from './policy-path.js';

const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$';
const HASH_PATTERN = '^sha256:[0-9a-f]{64}$';
const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$';

/** Keywords that judge a single value: reported once per path as "must be <description>". */
const VALUE_KEYWORDS = new Set([
  'type',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'minLength',
  'maxLength',
  'const',
  'anyOf',
]);

export function issuesFromSchemaErrors(errors: readonly ErrorObject[], doc: unknown): PolicyIssue[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const insideUnion = (e: ErrorObject): boolean =>
    unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`));
  const issues: PolicyIssue[] = [];
  const described = new Set<string>();
  for (const e of errors) {
    if (insideUnion(e)) continue;
    const path = pointerToPath(e.instancePath, doc);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') {
      issues.push({ path: [...path, String(params.missingProperty)], message: 'is required' });
    } else if (e.keyword === 'additionalProperties') {
      const field = String(params.additionalProperty);
      const allowed = Object.keys(asRecord(asRecord(e.parentSchema)?.properties) ?? {});
      issues.push({ path: [...path, field], message: unknownField(field, allowed) });
    } else if (e.keyword === 'minItems') {
      const n = Number(params.limit);
      issues.push({
        path,
        message: `must list at least ${n} item${n === 1 ? '' : 's'}, got ${showValue(e.data)}`,
      });
    } else if (e.keyword === 'uniqueItems') {
      const repeated = Array.isArray(e.data) ? e.data[Number(params.j)] : undefined;
      issues.push({ path, message: `must not repeat items, got ${showValue(repeated)} twice` });
    } else if (VALUE_KEYWORDS.has(e.keyword)) {
      const key = `${e.instancePath}`;
      if (described.has(key)) continue;
      described.add(key);
      const hint = quoteHint(e.parentSchema, e.data);
      issues.push({
        path,
        message: `must be ${describeSchema(e.parentSchema)}, got ${showValue(e.data)}${hint}`,
      });
    } else {
      // A keyword the schema does not use today: still readable, never silently dropped.
      issues.push({ path, message: `${e.message ?? e.keyword}, got ${showValue(e.data)}` });
    }
  }
  return issues;
}

/** What a (TypeBox-generated) schema accepts, as a noun phrase: "a positive integer". */
export function describeSchema(schema: unknown): string {
  const s = asRecord(schema);
  if (s === null) return 'a valid value';
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf.map(asRecord);
    if (branches.every((b) => b !== null && 'const' in b)) {
      return `one of ${branches.map((b) => JSON.stringify(b?.const)).join(', ')}`;
    }
    if (branches.some((b) => b?.pattern === DURATION_PATTERN)) {
      return 'a duration (seconds as a number, or a string like "500ms", "10s", "1m", "2h", "1d")';
    }
    return s.anyOf.map(describeSchema).join(' or ');
  }
  if ('const' in s) return JSON.stringify(s.const);
  switch (s.type) {
    case 'integer':
      if (s.minimum === 1) return 'a positive integer';
      if (s.minimum === 0) return 'an integer >= 0';
      return 'an integer';
    case 'number':
      return describeNumber(s);
    case 'string':
      if (s.pattern === NAME_PATTERN) {
        return 'a name (letters, digits and _.:/-, starting with a letter or digit, at most 128 characters)';
      }
      if (s.pattern === HASH_PATTERN) return '"sha256:" followed by 64 lowercase hex digits';
      if (typeof s.pattern === 'string') return `a string matching /${s.pattern}/`;
      if (typeof s.minLength === 'number') return `a string of at least ${s.minLength} characters`;
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping (object)';
    default:
      return 'a valid value';
  }
}

/** YAML reads `429` as a number where the schema wants the string "429": say so. */
function quoteHint(schema: unknown, data: unknown): string {
  const branches = asRecord(schema)?.anyOf;
  if (typeof data !== 'number' || !Array.isArray(branches)) return '';
  const wanted = String(data);
  return branches.some((b) => asRecord(b)?.const === wanted) ? ` (quote it: "${wanted}")` : '';
}

function describeNumber(s: Record<string, unknown>): string {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  if (s.exclusiveMinimum === 0 && max === undefined) return 'a positive number';
  if (min !== undefined && max !== undefined) return `a number from ${min} to ${max}`;
  if (min !== undefined) return `a number >= ${min}`;
  if (max !== undefined) return `a number <= ${max}`;
  return 'a number';
}

function unknownField(field: string, allowed: readonly string[]): string {
  const near = nearestName(field, allowed);
  const hint = near === null ? '' : `; did you mean "${near}"?`;
  return `unknown field "${field}"${hint} (allowed: ${allowed.join(', ')})`;
}

/** `/tenants/acme/limits/0` -> ['tenants', 'acme', 'limits', 0], telling indexes from keys by the data. */
function pointerToPath(pointer: string, doc: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      path.push(i);
      node = node[i];
    } else {
      path.push(seg);
      node = asRecord(node)?.[seg];
    }
  }
  return path;
}
