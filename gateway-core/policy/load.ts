/**
 * Reads a policy file (YAML or JSON, by extension, else by content) and validates it. Every
 * problem comes back at once, located in the file the way compilers and editors expect:
 *
 *   examples/bad-policy.yaml:14:9: tenants.acme.limits[0].rpm: must be a positive integer, got -5
 *
 * Syntax errors stop before validation (there is no document yet) and carry line:column too.
 * Failures throw SluiceError('SLUICE_POLICY_INVALID', summary, lines).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { SluiceError } from '../errors.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { formatIssue, type Path } from './policy-path.js';
import type { PolicyDocument } from './schema.js';
import { policyIssues } from './validate.js';

export type PolicyFormat = 'yaml' | 'json';

export interface ParsedPolicyText {
  /** The parsed, not yet validated, document. */
  doc: unknown;
  /** 1-based line and column of the value (or field name) at `path`, or its nearest parent. */
  locate(path: Path): { line: number; col: number } | null;
}

export function loadPolicyFile(file: string): PolicyDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const message = `${file}: cannot read the policy file (${reason})`;
    throw new SluiceError('SLUICE_POLICY_INVALID', message, [message]);
  }
  return loadPolicyText(text, file);
}

/** Validates `text` as a policy; `source` names it in messages (a file name, "request body"). */
export function loadPolicyText(text: string, source: string, format?: PolicyFormat): PolicyDocument {
  const parsed = parsePolicyText(text, source, format);
  const issues = policyIssues(parsed.doc);
  if (issues.length === 0) return parsed.doc as PolicyDocument;
  const lines = issues.map((issue) => {
    const at = parsed.locate(issue.path);
    return at === null
      ? `${source}: ${formatIssue(issue)}`
      : `${source}:${at.line}:${at.col}: ${formatIssue(issue)}`;
  });
  const n = issues.length;
  throw new SluiceError(
    'SLUICE_POLICY_INVALID',
    `${source}: ${n} problem${n === 1 ? '' : 's'} in the policy`,
    lines,
  );
}

export function detectFormat(source: string, text: string): PolicyFormat {
  const ext = extname(source).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** Parses without validating. Throws SLUICE_POLICY_INVALID with line:column on a syntax error. */
export function parsePolicyText(text: string, source: string, format?: PolicyFormat): ParsedPolicyText {
  const fmt = format ?? detectFormat(source, text);
  if (fmt === 'json') {
    try {
      JSON.parse(text);
    } catch (e) {
      const found = findJsonSyntaxError(text);
      const reason = found?.reason ?? (e instanceof Error ? e.message : String(e));
      syntaxError(source, lineColumn(text, found?.offset ?? 0), reason);
    }
  }
  // JSON is YAML too: parsing JSON with the YAML parser as well gives the same data plus the
  // node positions used to locate validation errors.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const first = document.errors[0];
  if (first !== undefined) {
    syntaxError(source, lineColumn(text, first.pos[0]), first.message.split('\n')[0]);
  }
  const toLineCol = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  return {
    doc: document.toJS({ maxAliasCount: 1000 }),
    locate: (path) => {
      const offset = offsetOf(document.contents, path);
      return offset === null ? null : toLineCol(offset);
    },
  };
}

function syntaxError(source: string, at: { line: number; col: number }, reason: string): never {
  const line = `${source}:${at.line}:${at.col}: syntax error: ${reason}`;
  throw new SluiceError('SLUICE_POLICY_INVALID', line, [line]);
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, col: lines[lines.length - 1].length + 1 };
}

/**
 * Start offset of what `path` names: a field's key (so a message about a field points at its
 * name), an array element, or, when the path goes on past what exists (a missing field), the
 * deepest part that does exist.
 */
function offsetOf(root: unknown, path: Path): number | null {
  let node: unknown = root;
  let best: number | null = rangeStart(root);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) return best;
      best = rangeStart(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      best = rangeStart(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null)?.range;
  return Array.isArray(range) ? range[0] : null;
}
