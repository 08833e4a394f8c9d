/**
 * The controller's audit trail: one JSON object per line (JSONL) for every proposal, verdict,
 * promotion, rollback and held change, with its evidence. The sink is injected (a file stream
 * in the CLI, an array in tests), so the controller does no I/O of its own. Non-finite numbers
 * (an unbounded confidence limit) are written as null, since JSON has no Infinity.
 */
export type AuditKind =
  | 'proposal'
  | 'held'
  | 'dry-run'
  | 'canary'
  | 'verdict'
  | 'promote'
  | 'rollback'
  | 'action';

export interface AuditEntry {
  time: number;
  kind: AuditKind;
  [field: string]: unknown;
}

export type AuditSink = (line: string) => void;

export class AuditLog {
  private count = 0;

  constructor(private readonly sink: AuditSink) {}

  write(entry: AuditEntry): void {
    this.count++;
    this.sink(JSON.stringify(entry, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  }

  get written(): number {
    return this.count;
  }
}

/** A sink that keeps lines in memory (tests, and runs that write the log at the end). */
export class MemoryAuditSink {
  readonly lines: string[] = [];
  readonly sink: AuditSink = (line) => {
    this.lines.push(line);
  };

  entries(): AuditEntry[] {
    return this.lines.map((l) => JSON.parse(l) as AuditEntry);
  }
}
