/**
 * The value after `--name` in a script's arguments, or the fallback: the data, evaluation and
 * benchmark scripts (not `sluice`, which has yargs) take a few plain flags and need no parser.
 */
export function scriptFlag(argv: readonly string[], name: string): string | undefined;
export function scriptFlag(argv: readonly string[], name: string, fallback: string): string;
export function scriptFlag(argv: readonly string[], name: string, fallback?: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}
