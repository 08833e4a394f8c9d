/**
 * Validates a policy document: the TypeBox schema (through ajv, every error at once) plus the
 * semantic checks, reported together in document order, one readable line per problem:
 *
 *   tenants.acme.limits[0].rpm: must be a positive integer, got -5
 *   models.gpt-4o.backends[1]: unknown backend "azure-eu" (defined: openai, vllm)
 *
 * Validation never changes the document (no defaults, no coercion), so the content hash of what
 * was validated is the hash of what runs.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { asRecord, formatIssue, formatPath, type Path, type PolicyIssue } from './policy-path.js';
import { PolicyDocument } from './schema.js';
import { issuesFromSchemaErrors } from './schema-errors.js';
import { semanticIssues } from './semantic-checks.js';

export type PolicyValidation = { ok: true; policy: PolicyDocument } | { ok: false; errors: string[] };

let compiled: ValidateFunction | null = null;

/** Compiled on first use (tens of ms), then shared: validation runs per proposed document. */
function schemaValidator(): ValidateFunction {
  if (compiled === null) {
    // strict off: TypeBox adds keywords of its own; verbose: errors carry the value and schema.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    compiled = ajv.compile(PolicyDocument);
  }
  return compiled;
}

export function validatePolicy(doc: unknown): PolicyValidation {
  const issues = policyIssues(doc);
  if (issues.length === 0) return { ok: true, policy: doc as PolicyDocument };
  return { ok: false, errors: issues.map(formatIssue) };
}

/** Every problem in `doc`, with structured paths (load.ts turns them into line:column). */
export function policyIssues(doc: unknown): PolicyIssue[] {
  const validate = schemaValidator();
  const schemaIssues = validate(doc) ? [] : issuesFromSchemaErrors(validate.errors ?? [], doc);
  const all = [...schemaIssues, ...semanticIssues(doc)];
  return inDocumentOrder(dedupe(all), doc);
}

function dedupe(issues: PolicyIssue[]): PolicyIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const line = formatIssue(i);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/**
 * Sorts issues by where their path first appears in the document (a missing field sorts with its
 * parent), so the list reads top to bottom like the file. The sort is stable.
 */
function inDocumentOrder(issues: PolicyIssue[], doc: unknown): PolicyIssue[] {
  const order = new Map<string, number>();
  const visit = (value: unknown, path: Path): void => {
    order.set(formatPath(path), order.size);
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        visit(v, [...path, i]);
      });
    } else for (const [k, v] of Object.entries(asRecord(value) ?? {})) visit(v, [...path, k]);
  };
  visit(doc, []);
  const position = (path: Path): number => {
    for (let n = path.length; n >= 0; n--) {
      const at = order.get(formatPath(path.slice(0, n)));
      if (at !== undefined) return at;
    }
    return 0;
  };
  return issues
    .map((issue, i) => ({ issue, i, at: position(issue.path) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.issue);
}
