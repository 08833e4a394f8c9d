/**
 * Progress of a model job on stderr: on a terminal a bar per phase; otherwise a line for each
 * network fitted and at every tenth of the origins forecast (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import type { ProgressCallback } from '../models/forecaster.js';

const UNITS = { fit: 'networks fitted', forecast: 'origins forecast' } as const;

export interface JobProgress {
  report: ProgressCallback;
  stop(): void;
}

export function jobProgress(
  title: string,
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): JobProgress {
  if (stream.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    return {
      report: (e) => {
        if (bar === null) {
          bar = new cliProgress.SingleBar(
            { format: `${title} {bar} {value}/{total} ${UNITS[e.phase]}`, stream, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(e.total, 0);
        }
        bar.update(e.done);
        if (e.done >= e.total) {
          bar.stop();
          bar = null;
        }
      },
      stop: () => bar?.stop(),
    };
  }
  return {
    report: (e) => {
      const every = e.phase === 'fit' ? 1 : Math.max(1, Math.ceil(e.total / 10));
      if (e.done % every === 0 || e.done === e.total)
        stream.write(`${title}: ${e.done}/${e.total} ${UNITS[e.phase]}\n`);
    },
    stop: () => {},
  };
}
