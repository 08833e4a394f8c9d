/**
 * The network: an MLP with a linear skip, emitting 2H numbers per row,
 *   raw = W_skip x + MLP(x),  p50 = raw[0..H),  p90 = p50 + softplus(raw[H..2H))
 * (p90 can never cross below p50), trained by the pinball loss
 *   rho_q(y, f) = max(q (y - f), (q - 1) (y - f)),  loss = mean(rho_0.5(y, p50) + rho_0.9(y, p90)).
 * Training is a plain loop over seeded shuffles (tfjs-layers' own shuffle uses Math.random),
 * with early stopping on the last slice of windows in time order.
 */
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../../gateway-core/rng.js';

export interface MlpConfig {
  inputSize: number;
  horizon: number;
  hidden: number;
  seed: number;
  /** Start the deep part's output at 0, so the untrained network forecasts the level itself. */
  zeroInit?: boolean;
}

export function buildQuantileMlp(cfg: MlpConfig): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: cfg.seed * 101 + k });
  const input = tf.input({ shape: [cfg.inputSize] });
  const h1 = tf.layers
    .dense({ units: cfg.hidden, activation: 'relu', kernelInitializer: init(1), name: 'hidden1' })
    .apply(input) as tf.SymbolicTensor;
  const h2 = tf.layers
    .dense({ units: cfg.hidden, activation: 'relu', kernelInitializer: init(2), name: 'hidden2' })
    .apply(h1) as tf.SymbolicTensor;
  const deep = tf.layers
    .dense({
      units: 2 * cfg.horizon,
      kernelInitializer: cfg.zeroInit ? tf.initializers.zeros() : init(3),
      name: 'deep_out',
    })
    .apply(h2) as tf.SymbolicTensor;
  const skip = tf.layers
    .dense({ units: 2 * cfg.horizon, kernelInitializer: tf.initializers.zeros(), name: 'skip_out' })
    .apply(input) as tf.SymbolicTensor;
  const out = tf.layers.add({ name: 'raw' }).apply([deep, skip]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Splits raw outputs into (p50, p90) tensors. */
export function quantiles(raw: tf.Tensor2D, horizon: number): [tf.Tensor2D, tf.Tensor2D] {
  const p50 = raw.slice([0, 0], [-1, horizon]);
  const gap = tf.softplus(raw.slice([0, horizon], [-1, horizon]));
  return [p50, tf.add(p50, gap) as tf.Tensor2D];
}

export function pinballLoss(y: tf.Tensor2D, raw: tf.Tensor2D, horizon: number): tf.Scalar {
  return tf.tidy(() => {
    const [p50, p90] = quantiles(raw, horizon);
    const pin = (q: number, f: tf.Tensor) => {
      const e = tf.sub(y, f);
      return tf.maximum(tf.mul(e, q), tf.mul(e, q - 1));
    };
    return tf.add(tf.mean(pin(0.5, p50)), tf.mean(pin(0.9, p90))) as tf.Scalar;
  });
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Fraction of windows (the latest) held out for early stopping; 0 disables it. */
  validation: number;
  patience: number;
  /**
   * Shrink the batch (not below 32) until an epoch holds at least this many gradient steps. A
   * short span in batches of 256 took 4-5 steps an epoch, too few for the skip weights to move
   * far from their start before early stopping (hourly electricity, 9 weeks: MASE 0.795x of the
   * weekly seasonal naive over three seeds at 256, 0.759x at 128).
   */
  minBatchesPerEpoch?: number;
}

/** The batch size a training run uses for `nTrain` windows. */
export function effectiveBatchSize(opts: TrainOptions, nTrain: number): number {
  const floor = Math.min(opts.batchSize, 32);
  const want = opts.minBatchesPerEpoch ? Math.ceil(nTrain / opts.minBatchesPerEpoch) : opts.batchSize;
  return Math.max(floor, Math.min(opts.batchSize, want));
}

export interface TrainResult {
  epochs: number;
  trainLoss: number;
  validationLoss: number | null;
}

/**
 * The training loop yields each scalar it must read (a validation loss, an epoch's summed batch
 * losses) and is resumed with its value, so one loop serves two drivers:
 * - trainQuantileMlp reads synchronously, so a fit runs to its end inside the call: the
 *   controller's simulated runs rely on that for determinism (neural-demand-forecaster.ts);
 * - trainQuantileMlpAsync awaits each read, for a backend that cannot read synchronously (WebGPU
 *   in Node: its readSync needs OffscreenCanvas).
 * Either way a read comes once per epoch, not once per batch, so a GPU does not stall each step.
 */
type TrainingLoop = Generator<tf.Scalar, TrainResult, number>;

function* trainingLoop(
  model: tf.LayersModel,
  inputs: Float32Array,
  targets: Float32Array,
  count: number,
  horizon: number,
  opts: TrainOptions,
): TrainingLoop {
  const width = inputs.length / count;
  const nVal = opts.validation > 0 && count >= 50 ? Math.floor(count * opts.validation) : 0;
  const nTrain = count - nVal;
  const x = tf.tensor2d(inputs, [count, width]);
  const y = tf.tensor2d(targets, [count, horizon]);
  const xVal = nVal ? x.slice([nTrain, 0], [nVal, width]) : null;
  const yVal = nVal ? y.slice([nTrain, 0], [nVal, horizon]) : null;
  const validationLoss = () =>
    tf.tidy(() =>
      pinballLoss(yVal as tf.Tensor2D, model.predict(xVal as tf.Tensor2D) as tf.Tensor2D, horizon),
    );
  const optimizer = tf.train.adam(opts.learningRate);
  const rng = new SeededRng(opts.seed);
  const order = Int32Array.from({ length: nTrain }, (_, i) => i);
  const batchSize = effectiveBatchSize(opts, nTrain);
  let best = Number.POSITIVE_INFINITY;
  let bestWeights: tf.Tensor[] | null = null;
  // The starting weights are a candidate too: a network that starts at a baseline (zeroInit) and
  // cannot beat it on the latest windows should stay that baseline, not keep its least-bad epoch.
  if (xVal && yVal) {
    best = yield validationLoss();
    bestWeights = model.getWeights().map((w) => w.clone());
  }
  let stale = 0;
  let trainLoss = Number.NaN;
  let epochs = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = nTrain - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    let sum: tf.Scalar = tf.scalar(0);
    let batches = 0;
    for (let b = 0; b < nTrain; b += batchSize) {
      const idx = tf.tensor1d(order.subarray(b, Math.min(nTrain, b + batchSize)), 'int32');
      const xb = tf.gather(x, idx);
      const yb = tf.gather(y, idx);
      const loss = optimizer.minimize(
        () => pinballLoss(yb as tf.Tensor2D, model.apply(xb, { training: true }) as tf.Tensor2D, horizon),
        true,
      );
      if (loss) {
        const next = tf.add(sum, loss) as tf.Scalar;
        sum.dispose();
        sum = next;
      }
      batches++;
      tf.dispose([idx, xb, yb]);
      loss?.dispose();
    }
    trainLoss = (yield sum) / Math.max(1, batches);
    epochs = epoch + 1;
    if (!xVal || !yVal) continue;
    const v = yield validationLoss();
    if (v < best - 1e-5) {
      best = v;
      stale = 0;
      if (bestWeights) tf.dispose(bestWeights);
      bestWeights = model.getWeights().map((w) => w.clone());
    } else if (++stale >= opts.patience) break;
  }
  if (bestWeights) {
    model.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }
  tf.dispose([x, y]);
  if (xVal) tf.dispose([xVal, yVal as tf.Tensor]);
  optimizer.dispose();
  return { epochs, trainLoss, validationLoss: Number.isFinite(best) ? best : null };
}

/** (model, inputs: count x width, targets: count x horizon, count, horizon, options), rows in time order. */
type TrainingArgs = Parameters<typeof trainingLoop>;

/** Trains `model` in place, reading each loss synchronously. */
export function trainQuantileMlp(...args: TrainingArgs): TrainResult {
  const loop = trainingLoop(...args);
  let step = loop.next();
  while (!step.done) {
    const value = step.value.dataSync()[0];
    step.value.dispose();
    step = loop.next(value);
  }
  return step.value;
}

/** The same training, each read awaited (for a backend without synchronous reads). */
export async function trainQuantileMlpAsync(...args: TrainingArgs): Promise<TrainResult> {
  const loop = trainingLoop(...args);
  let step = loop.next();
  while (!step.done) {
    const value = (await step.value.data())[0];
    step.value.dispose();
    step = loop.next(value);
  }
  return step.value;
}

/**
 * The trained network's forward pass in plain JavaScript, on weights read back once. For a backend
 * that cannot read results synchronously (WebGPU in Node), so that forecasting stays synchronous:
 * the network is small: one row (244 inputs, 96 units, 120 outputs) took 0.14 ms here, against
 * 0.41 ms for tf.js on WASM predicting that one row.
 */
export class HostQuantileMlp {
  private constructor(
    private readonly inputSize: number,
    private readonly hidden: number,
    private readonly outputs: number,
    private readonly w: Record<'h1' | 'b1' | 'h2' | 'b2' | 'deep' | 'bDeep' | 'skip' | 'bSkip', Float32Array>,
  ) {}

  static async read(model: tf.LayersModel): Promise<HostQuantileMlp> {
    const layer = async (name: string) => {
      const [kernel, bias] = model.getLayer(name).getWeights();
      return {
        kernel: (await kernel.data()) as Float32Array,
        bias: (await bias.data()) as Float32Array,
        shape: kernel.shape,
      };
    };
    const [h1, h2, deep, skip] = await Promise.all(['hidden1', 'hidden2', 'deep_out', 'skip_out'].map(layer));
    const [inputSize, hidden] = h1.shape as [number, number];
    const outputs = deep.shape[1] as number;
    return new HostQuantileMlp(inputSize, hidden, outputs, {
      h1: h1.kernel,
      b1: h1.bias,
      h2: h2.kernel,
      b2: h2.bias,
      deep: deep.kernel,
      bDeep: deep.bias,
      skip: skip.kernel,
      bSkip: skip.bias,
    });
  }

  /** count x inputSize rows in, count x outputs raw values out (what model.predict gives). */
  predict(inputs: Float32Array, count: number): Float32Array {
    const { inputSize: n, hidden: m, outputs: k, w } = this;
    const out = new Float32Array(count * k);
    const a = new Float64Array(m);
    const b = new Float64Array(m);
    const o = new Float64Array(k);
    for (let r = 0; r < count; r++) {
      const x = inputs.subarray(r * n, (r + 1) * n);
      dense(x, w.h1, w.b1, n, m, a, true);
      dense(a, w.h2, w.b2, m, m, b, true);
      dense(b, w.deep, w.bDeep, m, k, o, false);
      for (let j = 0; j < k; j++) out[r * k + j] = o[j] + w.bSkip[j];
      for (let i = 0; i < n; i++) {
        const xi = x[i];
        if (xi === 0) continue;
        const row = i * k;
        for (let j = 0; j < k; j++) out[r * k + j] += xi * w.skip[row + j];
      }
    }
    return out;
  }
}

/** y = x W + b (W row-major, inputs x units), with ReLU when asked. */
function dense(
  x: ArrayLike<number>,
  kernel: Float32Array,
  bias: Float32Array,
  inputs: number,
  units: number,
  y: Float64Array,
  relu: boolean,
): void {
  for (let j = 0; j < units; j++) y[j] = bias[j];
  for (let i = 0; i < inputs; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) y[j] += xi * kernel[row + j];
  }
  if (relu) for (let j = 0; j < units; j++) if (y[j] < 0) y[j] = 0;
}
