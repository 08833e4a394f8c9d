/**
 * CacheDemandSource over the gateways' admin API (GET /admin/cache/demand): every gateway counts
 * requests per cache key in windows aligned to the wall clock, so the replicas' windows line up
 * and are merged by adding counts,
 *
 *   merged(window, key) = sum over gateways of (count - error)
 *
 * (count - error is Space-Saving's lower bound: exact when error is 0, and a key displaced from
 * one replica's top k counts 0 there, so a merged count never overstates demand).
 *
 * Like the telemetry source, `refresh(now)` is async and the mode's synchronous calls answer from
 * what it read. Each refresh reads, per gateway, the closed windows since the last one it read
 * (and, for the cache state of keys, those of the last `stateLookbackMs`). `counts(from, to)`
 * returns each merged window once: windows that overlap [from, to) and were not returned before,
 * so the planner sees one interval's demand per call even when the controller's window overlaps
 * the last one.
 * A gateway that answers late adds nothing to a window already returned.
 *
 * Cache state per key (for `cached()` and for where a pre-warm goes), from the last refresh:
 *   cached fleet-wide  = in the shared tier on any gateway, or in L1 on every gateway listing it
 *   targets(key)       = the gateways that can replay it; only one of them (by a stable hash of
 *                        the key) when they share a Redis tier, since one fill serves all;
 *                        every gateway when none listed it (each answers for itself)
 */
import { fetch } from 'undici';
import type { CacheDemandSource } from '../adaptive-controller.js';
import type { GatewayProblem } from './gateway-admin-actuator.js';

export interface GatewayCacheDemandOptions {
  gateways: readonly string[];
  adminToken: string;
  timeoutMs?: number;
  /** How far back each refresh reads the cache state of keys (default 30 s). */
  stateLookbackMs?: number;
  /** Merged windows kept after they were returned (default 60). */
  retain?: number;
}

interface DemandReply {
  enabled: boolean;
  sharedTier: boolean;
  windowMs: number;
  windows: {
    start: number;
    end: number;
    closed: boolean;
    keys: { key: string; count: number; error: number }[];
  }[];
  keys: Record<string, { cached: boolean; shared: boolean | null; replayable: boolean }>;
}

interface KeyState {
  /** Gateways that listed the key, with whether their L1 holds it. */
  l1: Map<string, boolean>;
  shared: boolean;
  replayable: string[];
}

export class GatewayCacheDemandSource implements CacheDemandSource {
  readonly gateways: readonly string[];
  private readonly merged = new Map<number, { end: number; counts: Map<string, number> }>();
  /** Per gateway: the end of the last closed window merged. */
  private readonly readUntil = new Map<string, number>();
  private returnedUntil = Number.NEGATIVE_INFINITY;
  private states = new Map<string, KeyState>();
  private readonly sharedTier = new Map<string, boolean>();
  lastProblems: GatewayProblem[] = [];

  constructor(private readonly o: GatewayCacheDemandOptions) {
    this.gateways = o.gateways.map((g) => g.replace(/\/+$/, ''));
  }

  private async read(url: string, since: number): Promise<DemandReply> {
    const res = await fetch(`${url}/admin/cache/demand?since=${Math.floor(since)}`, {
      headers: { authorization: `Bearer ${this.o.adminToken}` },
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 2000),
    });
    const text = await res.text();
    if (res.status !== 200)
      throw new Error(`GET /admin/cache/demand: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as DemandReply;
  }

  /** Reads every gateway's new windows and its keys' cache state; never throws. */
  async refresh(now: number): Promise<GatewayProblem[]> {
    const lookback = now - (this.o.stateLookbackMs ?? 30_000);
    const problems: GatewayProblem[] = [];
    const states = new Map<string, KeyState>();
    await Promise.all(
      this.gateways.map(async (url) => {
        const until = this.readUntil.get(url);
        let reply: DemandReply;
        try {
          reply = await this.read(url, Math.min(until ?? lookback, lookback));
        } catch (e) {
          problems.push({ url, step: 'cache-demand', error: e instanceof Error ? e.message : String(e) });
          return;
        }
        this.sharedTier.set(url, reply.sharedTier);
        let last = until ?? Number.NEGATIVE_INFINITY;
        for (const w of reply.windows) {
          if (!w.closed || (until !== undefined && w.start < until)) continue;
          let m = this.merged.get(w.start);
          if (m === undefined) {
            m = { end: w.end, counts: new Map() };
            this.merged.set(w.start, m);
          }
          for (const k of w.keys) m.counts.set(k.key, (m.counts.get(k.key) ?? 0) + (k.count - k.error));
          last = Math.max(last, w.end);
        }
        if (Number.isFinite(last)) this.readUntil.set(url, last);
        for (const [key, s] of Object.entries(reply.keys)) {
          let st = states.get(key);
          if (st === undefined) {
            st = { l1: new Map(), shared: false, replayable: [] };
            states.set(key, st);
          }
          st.l1.set(url, s.cached);
          if (s.shared === true) st.shared = true;
          if (s.replayable) st.replayable.push(url);
        }
      }),
    );
    this.states = states;
    this.prune();
    this.lastProblems = problems;
    return problems;
  }

  private prune(): void {
    const returned = [...this.merged.keys()].filter(
      (s) => (this.merged.get(s)?.end ?? 0) <= this.returnedUntil,
    );
    returned.sort((a, b) => a - b);
    for (const s of returned.slice(0, Math.max(0, returned.length - (this.o.retain ?? 60))))
      this.merged.delete(s);
  }

  /**
   * Merged counts of the closed windows that overlap [fromMs, toMs), end by `toMs`, and were not
   * returned by an earlier call (the gateways' windows need not line up with the controller's).
   */
  counts(fromMs: number, toMs: number): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    let until = this.returnedUntil;
    for (const [start, w] of [...this.merged.entries()].sort((a, b) => a[0] - b[0])) {
      if (w.end <= fromMs || w.end > toMs || start < this.returnedUntil) continue;
      for (const [k, n] of w.counts) out.set(k, (out.get(k) ?? 0) + n);
      until = Math.max(until, w.end);
    }
    this.returnedUntil = until;
    return out;
  }

  cached(): ReadonlySet<string> {
    const out = new Set<string>();
    for (const [key, st] of this.states) if (st.shared || [...st.l1.values()].every((c) => c)) out.add(key);
    return out;
  }

  /** The gateways a pre-warm of `key` goes to (see the header). */
  targets(key: string): string[] {
    const holders = this.states.get(key)?.replayable ?? [];
    if (holders.length === 0) return [...this.gateways];
    const shared = holders.filter((g) => this.sharedTier.get(g) === true);
    if (shared.length > 0) return [shared[stableIndex(key, shared.length)]];
    return holders;
  }
}

/** FNV-1a of the key, mod n: the same holder for the same key on every call. */
function stableIndex(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}
