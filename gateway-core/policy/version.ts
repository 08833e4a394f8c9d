/**
 * Policy versions: every accepted document gets the next version number (1, 2, ...) and its
 * content hash, and the store keeps the whole history.
 *
 *   contentHash(doc) = sha256_hex(canonicalJson(doc))    (canonical: keys sorted, no spaces)
 *
 * so the same policy written with its keys in another order has the same hash. Rules:
 * - a document that fails validation changes nothing: the last good version stays current;
 * - proposing the current document again is a no-op that returns the current version (actuators
 *   can re-apply blindly: applying version v twice does nothing);
 * - a document equal to an older version, and rollback(v), make a NEW version whose hash equals
 *   the old one's: version numbers only ever grow, so "the latest version" is always current.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { SluiceError } from '../errors.js';
import type { PolicyDocument } from './schema.js';
import { validatePolicy } from './validate.js';

/** JSON with object keys sorted at every depth and undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${fields.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
}

/** sha256 hex of the canonical JSON of `doc`. */
export function contentHash(doc: unknown): string {
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

export interface PolicyVersion {
  readonly version: number;
  readonly hash: string;
  /** Clock time (ms) at which this version was accepted. */
  readonly appliedAt: number;
  readonly author: string | null;
  /** The document, deep-frozen (a copy: later changes to the proposed object do not leak in). */
  readonly doc: PolicyDocument;
  /** For a rollback (or a re-proposal of an old document): the version it restores. */
  readonly restores: number | null;
}

export type ProposeResult =
  | { ok: true; version: PolicyVersion; changed: boolean }
  | { ok: false; errors: string[]; current: PolicyVersion | null };

export class PolicyStore {
  private readonly versions: PolicyVersion[] = [];

  constructor(private readonly clock: Clock) {}

  /** Validates `doc` and, if it is good and differs from the current one, makes it current. */
  propose(doc: unknown, author?: string, appliedAt: number = this.clock.now()): ProposeResult {
    const result = validatePolicy(doc);
    if (!result.ok) return { ok: false, errors: result.errors, current: this.current() };
    const hash = contentHash(result.policy);
    const current = this.current();
    if (current !== null && current.hash === hash) return { ok: true, version: current, changed: false };
    const earlier = this.versions.find((v) => v.hash === hash);
    const frozen = earlier?.doc ?? deepFreeze(structuredClone(result.policy));
    return {
      ok: true,
      version: this.append(frozen, hash, appliedAt, author, earlier?.version ?? null),
      changed: true,
    };
  }

  get(version: number): PolicyVersion | undefined {
    return this.versions[version - 1];
  }

  current(): PolicyVersion | null {
    return this.versions[this.versions.length - 1] ?? null;
  }

  history(): readonly PolicyVersion[] {
    return this.versions;
  }

  /**
   * Makes `version` current again as a new version (same hash and document). Rolling back to the
   * version that is already current is a no-op that returns it.
   */
  rollback(version: number, author?: string, appliedAt: number = this.clock.now()): PolicyVersion {
    const target = this.get(version);
    if (target === undefined) {
      const known = this.versions.length === 0 ? 'none yet' : `1..${this.versions.length}`;
      throw new SluiceError(
        'SLUICE_POLICY_INVALID',
        `no policy version ${version} to roll back to (known: ${known})`,
      );
    }
    const current = this.current();
    if (current !== null && current.hash === target.hash) return current;
    return this.append(target.doc, target.hash, appliedAt, author, target.version);
  }

  private append(
    doc: PolicyDocument,
    hash: string,
    appliedAt: number,
    author: string | undefined,
    restores: number | null,
  ): PolicyVersion {
    const entry: PolicyVersion = Object.freeze({
      version: this.versions.length + 1,
      hash,
      appliedAt,
      author: author ?? null,
      doc,
      restores,
    });
    this.versions.push(entry);
    return entry;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
