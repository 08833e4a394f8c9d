/**
 * The value after `--name` in a data script's arguments (anomaly-corpus-cli.ts,
 * demand-series-cli.ts), or the fallback: those scripts take a few plain flags and need no parser.
 */
export function scriptFlag(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}
