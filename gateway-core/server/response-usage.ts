/**
 * Token usage from a JSON completion without parsing the whole answer: find the last `"usage"`
 * in the bytes and read `prompt_tokens` and `completion_tokens` after it. Parsing every answer
 * would cost more CPU than the policy engine does per request; the full parse happens only when
 * the answer is to be cached.
 */
export interface ResponseUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

const PROMPT = /"prompt_tokens"\s*:\s*(\d+)/;
const COMPLETION = /"completion_tokens"\s*:\s*(\d+)/;

export function responseUsage(body: Buffer): ResponseUsage {
  const at = body.lastIndexOf('"usage"');
  if (at < 0) return { inputTokens: null, outputTokens: null };
  const tail = body.toString('latin1', at, Math.min(body.length, at + 512));
  const p = PROMPT.exec(tail);
  const c = COMPLETION.exec(tail);
  return { inputTokens: p ? Number(p[1]) : null, outputTokens: c ? Number(c[1]) : null };
}
