/**
 * Scenario parameters: a `parameters:` map whose values are substituted wherever a string is
 * `${name}` (the value keeps its type) or contains `${expression}` over parameters with + - * /
 * and parentheses (e.g. `${1000 / serviceRate}`), evaluated by a small recursive-descent parser
 * (no eval). Lets `--set servers=4` resize the M/M/c scenario.
 */
import { SluiceError } from '../../gateway-core/errors.js';

function evaluate(expr: string, params: Record<string, unknown>, source: string): number {
  const tokens =
    expr
      .match(/\s*([A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?|[-+*/()])/g)
      ?.map((t) => t.trim()) ?? [];
  if (tokens.join('') !== expr.replace(/\s+/g, ''))
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${source}: cannot read the expression \${${expr}}`);
  let i = 0;
  const primary = (): number => {
    const t = tokens[i++];
    if (t === '(') {
      const v = sum();
      if (tokens[i++] !== ')')
        throw new SluiceError('SLUICE_CONFIG_INVALID', `${source}: missing ) in \${${expr}}`);
      return v;
    }
    if (t === '-') return -primary();
    if (t !== undefined && /^[0-9]/.test(t)) return Number(t);
    if (t !== undefined && t in params) {
      const v = params[t];
      if (typeof v !== 'number')
        throw new SluiceError(
          'SLUICE_CONFIG_INVALID',
          `${source}: parameter ${t} must be a number, got ${JSON.stringify(v)}`,
        );
      return v;
    }
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${source}: unknown parameter "${t}" in \${${expr}} (parameters: ${Object.keys(params).join(', ') || 'none'})`,
    );
  };
  const product = (): number => {
    let v = primary();
    while (tokens[i] === '*' || tokens[i] === '/') v = tokens[i++] === '*' ? v * primary() : v / primary();
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-') v = tokens[i++] === '+' ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (i !== tokens.length)
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${source}: cannot read the expression \${${expr}}`);
  return v;
}

export function substituteParameters(
  node: unknown,
  params: Record<string, unknown>,
  source: string,
): unknown {
  if (typeof node === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(node.trim());
    if (whole) {
      const name = whole[1].trim();
      return name in params ? params[name] : evaluate(name, params, source);
    }
    return node.replace(/\$\{([^}]+)\}/g, (_, e: string) => String(evaluate(e.trim(), params, source)));
  }
  if (Array.isArray(node)) return node.map((n) => substituteParameters(n, params, source));
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node))
      out[k] = k === 'parameters' ? v : substituteParameters(v, params, source);
    return out;
  }
  return node;
}
