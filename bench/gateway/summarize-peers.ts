/**
 * Reads gateway-peers.sh results.jsonl and prints one JSON object with the figures the issue asks
 * for, per target and round: closed-loop req/s, p50/p99 and gateway CPU µs per request (the
 * steadiest figure), fixed-rate added p50 vs direct and errors, and the project / fastify CPU
 * ratio (target: <= 1.5 without Redis, <= 2 with leased Redis limits).
 *
 *   gw CPU µs/req = gateway process-group CPU seconds x 1e6 / requests
 */
import { readFileSync } from 'node:fs';

interface Row {
  target?: string;
  round?: number;
  test?: string;
  rate?: number;
  gw_cpu_s?: number;
  lg?: Record<string, number | boolean | undefined>;
}

const [file, projectName] = process.argv.slice(2);
const rows: Row[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Row);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const errors = (lg: Row['lg']): number =>
  [
    'err_connect',
    'err_read',
    'err_write',
    'err_timeout',
    'errors',
    'err_status',
    'non2xx',
    'unfinished',
  ].reduce((s, k) => s + (num(lg?.[k]) ?? 0), 0);

const out: Record<string, unknown> = {
  source: file,
  project: projectName,
  closed: [],
  rate: [],
  stream: [],
  ratios: [],
};
for (const r of rows) {
  if (r.target === undefined || r.lg === undefined) continue;
  const lg = r.lg;
  if (r.test === 'closed' || r.test === 'stream') {
    const req = num(lg.requests);
    (out[r.test] as unknown[]).push({
      target: r.target,
      round: r.round,
      rps: num(lg.rps),
      p50Ms: num(lg.lat_p50_us) !== null ? num(lg.lat_p50_us)! / 1000 : null,
      p99Ms: num(lg.lat_p99_us) !== null ? num(lg.lat_p99_us)! / 1000 : null,
      gwCpuUsPerReq:
        req && r.gw_cpu_s !== undefined && r.target !== 'direct' ? (r.gw_cpu_s * 1e6) / req : null,
      errors: errors(lg),
    });
  } else if (r.test === 'rate') {
    const direct = rows.find(
      (d) => d.target === 'direct' && d.round === r.round && d.test === 'rate' && d.rate === r.rate,
    );
    const p50 = num(lg.p50_us);
    const dp50 = num(direct?.lg?.p50_us);
    (out.rate as unknown[]).push({
      target: r.target,
      round: r.round,
      rate: r.rate,
      achievedRps: num(lg.achieved_rps),
      p50Ms: p50 !== null ? p50 / 1000 : null,
      p99Ms: num(lg.p99_us) !== null ? num(lg.p99_us)! / 1000 : null,
      addedP50MsVsDirect: p50 !== null && dp50 !== null && r.target !== 'direct' ? (p50 - dp50) / 1000 : null,
      errors: errors(lg),
    });
  }
}
for (const c of out.closed as { target: string; round: number; gwCpuUsPerReq: number | null }[]) {
  if (c.target !== 'project' && c.target !== projectName) continue;
  const f = (out.closed as (typeof c)[]).find((x) => x.target === 'fastify' && x.round === c.round);
  if (f?.gwCpuUsPerReq && c.gwCpuUsPerReq)
    (out.ratios as unknown[]).push({ round: c.round, cpuPerReqVsFastify: c.gwCpuUsPerReq / f.gwCpuUsPerReq });
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
