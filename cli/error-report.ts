/**
 * What `sluice` prints for an error that ends a command: a Sluice error's message, then each of its
 * details the message does not already hold (a scenario's problems are both listed in the message
 * and kept as details for programs; printed once); anything else with its stack.
 */
import { isSluiceError } from '../gateway-core/errors.js';

export function errorReport(err: unknown): string {
  if (isSluiceError(err)) {
    const extra = err.details.filter((d) => !err.message.includes(d));
    return [`sluice: ${err.message}`, ...extra.map((d) => `  ${d}`)].join('\n') + '\n';
  }
  return `sluice: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
}
