/**
 * Saves a neural forecaster as a directory: per network of its ensemble, model.json and
 * weights.bin for the first, model-K.json and weights-K.bin for the K-th after it (topology and
 * weight manifest, the tfjs-layers format), and metadata.json { format, version, name, backend,
 * dataSpan, metrics, networks, state }. Loaded back through tf.io.fromMemory, so it needs no
 * tfjs-node file handler. Version 1 directories (one network) still load.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SluiceError } from '../../gateway-core/errors.js';
import { NeuralForecaster, type NeuralState } from './neural-forecaster.js';

export const MODEL_FORMAT = 'sluice-neural-forecaster';
export const MODEL_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  backend: string;
  dataSpan: NeuralState['dataSpan'];
  metrics: Record<string, number | null>;
  /** Networks saved (the ensemble); absent in version 1, which saved one. */
  networks?: number;
  state: NeuralState;
}

function networkFiles(k: number): { model: string; weights: string } {
  return k === 0
    ? { model: 'model.json', weights: 'weights.bin' }
    : { model: `model-${k}.json`, weights: `weights-${k}.bin` };
}

async function saveNetwork(network: tf.LayersModel, dir: string, k: number): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await network.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a?.weightData || !a.weightSpecs)
    throw new SluiceError('SLUICE_INTERNAL', 'model save produced no weights');
  const files = networkFiles(k);
  const weights = tf.io.CompositeArrayBuffer.join(a.weightData);
  writeFileSync(join(dir, files.weights), Buffer.from(weights));
  const modelJson = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    weightsManifest: [{ paths: [files.weights], weights: a.weightSpecs }],
  };
  writeFileSync(join(dir, files.model), JSON.stringify(modelJson));
}

async function loadNetwork(dir: string, k: number): Promise<tf.LayersModel> {
  const files = networkFiles(k);
  let modelJson: { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  let bin: Buffer;
  try {
    modelJson = JSON.parse(readFileSync(join(dir, files.model), 'utf8'));
    bin = readFileSync(join(dir, files.weights));
  } catch (e) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `cannot read network ${k} of the saved model in ${dir}: ${(e as Error).message}`,
    );
  }
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData,
    }),
  );
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
  const networks = forecaster.networks;
  for (const [k, network] of networks.entries()) await saveNetwork(network, dir, k);
  const meta: ModelMetadata = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: forecaster.name,
    backend: tf.getBackend(),
    dataSpan: state.dataSpan,
    metrics,
    networks: networks.length,
    state,
  };
  writeFileSync(join(dir, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

export async function loadForecaster(
  dir: string,
): Promise<{ forecaster: NeuralForecaster; metadata: ModelMetadata }> {
  let meta: ModelMetadata;
  try {
    meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;
  } catch (e) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `cannot read a saved model in ${dir}: ${(e as Error).message}`,
    );
  }
  if (meta.format !== MODEL_FORMAT || !READABLE_VERSIONS.includes(meta.version)) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${dir}: not a ${MODEL_FORMAT} model of version ${READABLE_VERSIONS.join(' or ')} (found ${meta.format} v${meta.version})`,
    );
  }
  const models: tf.LayersModel[] = [];
  for (let k = 0; k < (meta.networks ?? 1); k++) models.push(await loadNetwork(dir, k));
  return { forecaster: await NeuralForecaster.restore(models, meta.state), metadata: meta };
}
