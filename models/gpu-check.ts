/**
 * GPU check: trains the real neural forecaster (7 days of 1-minute data, 10,080 points, default
 * options) on the WebGPU backend and on WASM and prints both times, or why a backend could not
 * start. `node dist/models/gpu-check.js [--backends webgpu,wasm] [--days D] [--hidden H]
 * [--max-windows W] [--epochs E]`: the defaults are the forecaster's own; the size flags show where
 * a GPU starts to pay (the default network is small enough that per-kernel dispatch dominates).
 * On a machine without the `webgpu` package or a GPU, webgpu reports 'unavailable' with the reason.
 */
import { scriptFlag } from '../gateway-core/script-flag.js';
import { pathToFileURL } from 'node:url';
import { generateSyntheticSeries } from '../datasets/series/synthetic-series.js';
import { type BackendName, selectBackend } from './backend.js';
import { NeuralForecaster, type NeuralForecasterOptions } from './forecaster/neural-forecaster.js';

export interface GpuCheckSize {
  /** Days of 1-minute data trained on (the series has one more day for inference). */
  days: number;
  options: Partial<NeuralForecasterOptions>;
}

export const DEFAULT_GPU_CHECK_SIZE: GpuCheckSize = { days: 7, options: {} };

export interface GpuCheckLine {
  backend: string;
  status: 'ok' | 'unavailable';
  detail: string;
  trainPoints?: number;
  hidden?: number;
  trainSeconds?: number;
  epochs?: number;
  inferenceMsPerStep?: number;
}

export async function gpuCheck(
  backends: BackendName[],
  size: GpuCheckSize = DEFAULT_GPU_CHECK_SIZE,
): Promise<GpuCheckLine[]> {
  const { series } = generateSyntheticSeries({ stepMs: 60_000, days: size.days + 1, seed: 11 });
  const trainPoints = size.days * 1440;
  const out: GpuCheckLine[] = [];
  for (const backend of backends) {
    let detail: string;
    try {
      detail = (await selectBackend(backend, () => {})).detail;
    } catch (e) {
      out.push({ backend, status: 'unavailable', detail: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const f = new NeuralForecaster({ horizon: 60, ...size.options });
    const t0 = performance.now();
    await f.fit(series, trainPoints);
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (let i = 0; i < 100; i++) f.forecast(series, trainPoints + i, 60);
    const inferenceMsPerStep = (performance.now() - t1) / 100;
    out.push({
      backend,
      status: 'ok',
      detail,
      trainPoints,
      hidden: f.options.hidden,
      trainSeconds,
      epochs: f.state?.training.epochs,
      inferenceMsPerStep,
    });
    f.dispose();
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = (name: string): string | undefined => scriptFlag(process.argv, name);
  const positive = (name: string): number | undefined => {
    const raw = flag(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
    return n;
  };
  const backends = (flag('backends') ?? 'webgpu,wasm').split(',') as BackendName[];
  const options: Partial<NeuralForecasterOptions> = {};
  const hidden = positive('hidden');
  const maxWindows = positive('max-windows');
  const epochs = positive('epochs');
  if (hidden !== undefined) options.hidden = hidden;
  if (maxWindows !== undefined) options.maxWindows = maxWindows;
  if (epochs !== undefined) options.epochs = epochs;
  const size: GpuCheckSize = { days: positive('days') ?? DEFAULT_GPU_CHECK_SIZE.days, options };
  for (const line of await gpuCheck(backends, size)) process.stdout.write(`${JSON.stringify(line)}\n`);
}
