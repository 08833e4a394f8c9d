/**
 * GPU check: trains the real neural forecaster (7 days of 1-minute data, 10,080 points, default
 * options) on the WebGPU backend and on WASM and prints both times, or why a backend could not
 * start. `node dist/models/gpu-check.js [--backends webgpu,wasm]`. On a machine without the
 * `webgpu` package or a GPU, webgpu reports 'unavailable' with the reason: that is expected.
 */
import { pathToFileURL } from 'node:url';
import { generateSyntheticSeries } from '../datasets/series/synthetic-series.js';
import { type BackendName, selectBackend } from './backend.js';
import { NeuralForecaster } from './forecaster/neural-forecaster.js';

export interface GpuCheckLine {
  backend: string;
  status: 'ok' | 'unavailable';
  detail: string;
  trainSeconds?: number;
  epochs?: number;
  inferenceMsPerStep?: number;
}

export async function gpuCheck(backends: BackendName[]): Promise<GpuCheckLine[]> {
  const { series } = generateSyntheticSeries({ stepMs: 60_000, days: 8, seed: 11 });
  const out: GpuCheckLine[] = [];
  for (const backend of backends) {
    let detail: string;
    try {
      detail = (await selectBackend(backend, () => {})).detail;
    } catch (e) {
      out.push({ backend, status: 'unavailable', detail: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const f = new NeuralForecaster({ horizon: 60 });
    const t0 = performance.now();
    await f.fit(series, 10_080);
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (let i = 0; i < 100; i++) f.forecast(series, 10_080 + i, 60);
    const inferenceMsPerStep = (performance.now() - t1) / 100;
    out.push({
      backend,
      status: 'ok',
      detail,
      trainSeconds,
      epochs: f.state?.training.epochs,
      inferenceMsPerStep,
    });
    f.dispose();
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--backends');
  const backends = (i >= 0 ? process.argv[i + 1] : 'webgpu,wasm').split(',') as BackendName[];
  for (const line of await gpuCheck(backends)) process.stdout.write(`${JSON.stringify(line)}\n`);
}
