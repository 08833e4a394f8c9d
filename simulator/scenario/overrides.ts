/**
 * `--set path=value` overrides on a scenario's raw YAML tree. The path is dotted (`a.b.0.c`;
 * numeric segments index arrays); the value is parsed as a number, a boolean, null, or JSON
 * (`[1,2]`, `{"a":1}`) when it looks like one, else kept as a string. A path whose first
 * segment is one of the scenario's `parameters` sets that parameter (`--set servers=4`).
 */
import { SluiceError } from '../../gateway-core/errors.js';

export function parseOverrideValue(text: string): unknown {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

export function applyOverride(root: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new SluiceError('SLUICE_CONFIG_INVALID', `--set ${assignment}: expected path=value`);
  let path = assignment.slice(0, eq).trim().split('.');
  const value = parseOverrideValue(assignment.slice(eq + 1));
  const params = root.parameters;
  if (
    path.length === 1 &&
    !(path[0] in root) &&
    typeof params === 'object' &&
    params !== null &&
    path[0] in params
  )
    path = ['parameters', path[0]];
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (typeof node !== 'object' || node === null)
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `--set ${assignment}: ${path.slice(0, i).join('.')} is not an object`,
      );
    const rec = node as Record<string, unknown>;
    if (rec[seg] === undefined || rec[seg] === null) rec[seg] = /^\d+$/.test(path[i + 1]) ? [] : {};
    node = rec[seg];
  }
  if (typeof node !== 'object' || node === null)
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `--set ${assignment}: ${path.slice(0, -1).join('.')} is not an object`,
    );
  (node as Record<string, unknown>)[path[path.length - 1]] = value;
}
