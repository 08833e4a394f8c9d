/**
 * The audit log of policy changes: one JSON object per line (JSONL), appended synchronously so
 * that a change is on disk before it is acknowledged. Policy changes are rare; requests never
 * touch this file.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AuditEntry {
  /** ISO-8601 wall-clock time. */
  time: string;
  action: 'apply' | 'rollback' | 'canary' | 'promote' | 'clear-canary' | 'remote-apply' | 'reject';
  /** Policy version after the change (null when rejected). */
  version: number | null;
  hash: string | null;
  /** Who asked: `admin`, `cli`, `bus:<replica>`. */
  by: string;
  /** Human-readable diff lines or the reason for a rejection. */
  details: string[];
}

export class AuditLog {
  /** Entries kept in memory too (the admin API lists them). */
  readonly entries: AuditEntry[] = [];

  constructor(private readonly file: string | null) {
    if (file !== null) mkdirSync(dirname(file), { recursive: true });
  }

  write(entry: AuditEntry): void {
    this.entries.push(entry);
    if (this.entries.length > 1000) this.entries.shift();
    if (this.file !== null) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}
