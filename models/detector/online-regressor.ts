/**
 * A small TF.js regressor that learns as data arrives: x -> Dense(hidden, relu) -> Dense(1),
 * Huber loss (robust to the faults it is meant to find), Adam, the output starting at 0. Each
 * train() call fits the new rows together with an equal sample from a replay buffer of older
 * rows, so it adapts without forgetting. Seeded: initialisers and replay sampling take seeds,
 * never Math.random.
 */
import * as tf from '@tensorflow/tfjs';
import { SluiceError } from '../../gateway-core/errors.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { backendReadsSynchronously } from '../backend.js';

export class OnlineRegressor {
  private readonly model: tf.Sequential;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: SeededRng;
  private readonly replayX: Float32Array;
  private readonly replayY: Float32Array;
  private replayCount = 0;
  private seen = 0;

  constructor(
    readonly width: number,
    hidden: number,
    seed: number,
    readonly replaySize = 2048,
    learningRate = 3e-3,
  ) {
    // A streaming detector reads each step's prediction before it scores the next point.
    if (!backendReadsSynchronously()) {
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `the learned detector reads every prediction synchronously, which the '${tf.getBackend()}' backend cannot do in Node: use --backend wasm (or tensorflow where installed)`,
      );
    }
    this.model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [width],
          units: hidden,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
        }),
        tf.layers.dense({
          units: 1,
          // The output starts at 0: untrained, the regressor forecasts its target's baseline (the
          // window's mean, as the detector centres them), not a random function of the window,
          // whose early residuals decided which rows were flagged and so what was learnt after.
          kernelInitializer: tf.initializers.zeros(),
        }),
      ],
    });
    this.optimizer = tf.train.adam(learningRate);
    this.rng = new SeededRng(seed);
    this.replayX = new Float32Array(replaySize * width);
    this.replayY = new Float32Array(replaySize);
  }

  predict(x: Float32Array, count: number): Float32Array {
    if (count === 0) return new Float32Array(0);
    return tf.tidy(
      () => (this.model.predict(tf.tensor2d(x, [count, this.width])) as tf.Tensor).dataSync() as Float32Array,
    );
  }

  /** Reservoir sampling keeps a uniform sample of every row seen. */
  private remember(x: Float32Array, y: Float32Array, count: number): void {
    for (let r = 0; r < count; r++) {
      this.seen++;
      let slot = -1;
      if (this.replayCount < this.replaySize) slot = this.replayCount++;
      else {
        const j = Math.floor(this.rng.next() * this.seen);
        if (j < this.replaySize) slot = j;
      }
      if (slot < 0) continue;
      this.replayX.set(x.subarray(r * this.width, (r + 1) * this.width), slot * this.width);
      this.replayY[slot] = y[r];
    }
  }

  train(x: Float32Array, y: Float32Array, count: number, epochs: number, batchSize = 128): void {
    if (count === 0) return;
    const k = Math.min(this.replayCount, count);
    const n = count + k;
    const bx = new Float32Array(n * this.width);
    const by = new Float32Array(n);
    bx.set(x.subarray(0, count * this.width));
    by.set(y.subarray(0, count));
    for (let r = 0; r < k; r++) {
      const j = Math.floor(this.rng.next() * this.replayCount);
      bx.set(this.replayX.subarray(j * this.width, (j + 1) * this.width), (count + r) * this.width);
      by[count + r] = this.replayY[j];
    }
    this.remember(x, y, count);
    const xs = tf.tensor2d(bx, [n, this.width]);
    const ys = tf.tensor2d(by, [n, 1]);
    for (let e = 0; e < epochs; e++) {
      for (let b = 0; b < n; b += batchSize) {
        const size = Math.min(batchSize, n - b);
        const loss = this.optimizer.minimize(() => {
          const xb = xs.slice([b, 0], [size, this.width]);
          const yb = ys.slice([b, 0], [size, 1]);
          return tf.losses.huberLoss(yb, this.model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar;
        }, false);
        loss?.dispose();
      }
    }
    tf.dispose([xs, ys]);
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
