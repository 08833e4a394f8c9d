/**
 * Paths into a policy document, as people read them: `tenants.acme.limits[0].rpm`.
 * A segment is a field name, an array index, or (in diffs) an array element matched by its id,
 * written `limits[rpm:apiKey]`. Names that would be ambiguous in dotted form (spaces, brackets,
 * quotes) are written `tenants["acme corp"]`.
 */
export type PathSegment = string | number | { id: string };
export type Path = readonly PathSegment[];

const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/;

export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'object') out += `[${seg.id}]`;
    else if (PLAIN_NAME.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(document)' : out;
}

/** A compact rendering of a value for messages: JSON, cut to `max` characters. */
export function showValue(value: unknown, max = 60): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The plain object at `value`, or null: documents are JSON-shaped, so no class instances. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** One problem found in a document: where, and what is wrong (`path: message` when shown). */
export interface PolicyIssue {
  path: Path;
  message: string;
}

export function formatIssue(issue: PolicyIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}
