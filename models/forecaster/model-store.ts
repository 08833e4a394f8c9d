/**
 * Saves a neural forecaster as a directory: model.json (topology and weight manifest, the
 * tfjs-layers format), weights.bin, and metadata.json { format, version, name, backend, dataSpan,
 * metrics, state }. Loaded back through tf.io.fromMemory, so it needs no tfjs-node file handler.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SluiceError } from '../../gateway-core/errors.js';
import { NeuralForecaster, type NeuralState } from './neural-forecaster.js';

export const MODEL_FORMAT = 'sluice-neural-forecaster';
export const MODEL_VERSION = 1;

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  backend: string;
  dataSpan: NeuralState['dataSpan'];
  metrics: Record<string, number | null>;
  state: NeuralState;
}

export async function saveForecaster(
  forecaster: NeuralForecaster,
  dir: string,
  metrics: Record<string, number | null> = {},
): Promise<ModelMetadata> {
  const state = forecaster.state;
  if (!state)
    throw new SluiceError('SLUICE_CONFIG_INVALID', 'cannot save a forecaster that was never fitted');
  mkdirSync(dir, { recursive: true });
  let artifacts: tf.io.ModelArtifacts | null = null;
  await forecaster.network.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a?.weightData || !a.weightSpecs)
    throw new SluiceError('SLUICE_INTERNAL', 'model save produced no weights');
  const weights = tf.io.CompositeArrayBuffer.join(a.weightData);
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(weights));
  const modelJson = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  const meta: ModelMetadata = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: forecaster.name,
    backend: tf.getBackend(),
    dataSpan: state.dataSpan,
    metrics,
    state,
  };
  writeFileSync(join(dir, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

export async function loadForecaster(
  dir: string,
): Promise<{ forecaster: NeuralForecaster; metadata: ModelMetadata }> {
  let meta: ModelMetadata;
  let modelJson: { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  try {
    meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;
    modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  } catch (e) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `cannot read a saved model in ${dir}: ${(e as Error).message}`,
    );
  }
  if (meta.format !== MODEL_FORMAT || meta.version !== MODEL_VERSION) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${dir}: not a ${MODEL_FORMAT} v${MODEL_VERSION} model (found ${meta.format} v${meta.version})`,
    );
  }
  const bin = readFileSync(join(dir, 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData,
    }),
  );
  return { forecaster: await NeuralForecaster.restore(model, meta.state), metadata: meta };
}
