/**
 * Progress of a model job on stderr: on a terminal a bar per phase; otherwise a line for each
 * network fitted and at every tenth of the origins forecast (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import type { ProgressCallback } from '../models/forecaster.js';

const UNITS = { fit: 'networks fitted', forecast: 'origins forecast', score: 'rows scored' } as const;

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
  let last = 0;
  return {
    report: (e) => {
      // A line per network; for origins and rows, one each time another tenth is done.
      const tenth = Math.max(1, Math.ceil(e.total / 10));
      const before = e.done > last ? last : 0; // a new phase starts from 0
      const line =
        e.phase === 'fit' || Math.floor(e.done / tenth) > Math.floor(before / tenth) || e.done === e.total;
      last = e.done;
      if (line) stream.write(`${title}: ${e.done}/${e.total} ${UNITS[e.phase]}\n`);
    },
    stop: () => {},
  };
}
