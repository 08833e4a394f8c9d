/**
 * TensorFlow.js backend selection. Order for `auto`:
 *   tensorflow (tfjs-node-gpu, then tfjs-node) -> webgpu (Dawn via the `webgpu` package) -> wasm -> cpu.
 * The optional packages are imported dynamically because most machines cannot install them.
 * A backend asked for by name that cannot start is an error: a silent fallback would make every
 * timing and every "trained on GPU" claim a lie.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { SluiceError } from '../gateway-core/errors.js';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_NAMES)[number];
export type BackendName = Exclude<BackendRequest, 'auto'>;

export interface BackendChoice {
  /** The backend that runs now. */
  name: BackendName;
  /** What started it (package or device), for logs and model metadata. */
  detail: string;
  /** Each backend tried before it, with why it did not start. */
  skipped: Array<{ name: BackendName; reason: string }>;
}

export type BackendLog = (line: string) => void;

const stderrLog: BackendLog = (line) => process.stderr.write(`${line}\n`);

/** `--backend` flag, else SLUICE_TF_BACKEND, else auto. An unknown name is a config error. */
export function resolveBackendRequest(flag?: string, env: NodeJS.ProcessEnv = process.env): BackendRequest {
  const raw = (flag ?? env.SLUICE_TF_BACKEND ?? 'auto').trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(raw)) return raw as BackendRequest;
  throw new SluiceError(
    'SLUICE_CONFIG_INVALID',
    `unknown TensorFlow.js backend '${raw}': use one of ${BACKEND_NAMES.join(', ')}`,
  );
}

/** Imports a module whose name TypeScript must not resolve (it is optional and usually absent). */
async function importOptional(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function activate(name: BackendName): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`asked for ${name}, got ${tf.getBackend()}`);
}

async function startTensorflow(): Promise<string> {
  const reasons: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(pkg);
      await activate('tensorflow');
      return pkg;
    } catch (e) {
      reasons.push(`${pkg}: ${message(e)}`);
    }
  }
  throw new Error(reasons.join('; '));
}

interface WebGpuModule {
  create: (options: string[]) => { requestAdapter(): Promise<unknown> };
  globals: Record<string, unknown>;
}

async function startWebgpu(): Promise<string> {
  const webgpu = (await importOptional('webgpu')) as unknown as WebGpuModule;
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = (await gpu.requestAdapter()) as { info?: { vendor?: string; description?: string } } | null;
  if (!adapter) throw new Error('no WebGPU adapter (no GPU, or no Vulkan driver/loader)');
  // The backend registers itself on import only where navigator.gpu already exists, so it is
  // imported after the line above (seen on an H200: imported first, 'webgpu' was never
  // registered). A literal specifier, so that a bundler (../shared/gpu/ packs the GPU check with
  // esbuild) takes it in.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) throw new Error('@tensorflow/tfjs-backend-webgpu did not register');
  await activate('webgpu');
  const info = adapter.info;
  return `webgpu (Dawn) ${info?.vendor ?? ''} ${info?.description ?? ''}`.trim();
}

/**
 * Can the running backend read a tensor back synchronously (dataSync)? WebGPU in Node cannot: its
 * readSync draws through OffscreenCanvas, which Node lacks (seen on an H200).
 */
export function backendReadsSynchronously(): boolean {
  return tf.getBackend() !== 'webgpu';
}

let wasmPathsSet = false;

/** Directory holding the backend's .wasm files: beside a bundle, else in node_modules. */
function wasmDirectory(): string {
  const besideScript = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(besideScript, 'tfjs-backend-wasm.wasm'))) return besideScript;
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return dirname(main);
}

async function startWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = wasmDirectory();
  if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) throw new Error(`no .wasm files in ${dir}`);
  if (!wasmPathsSet) {
    wasm.setWasmPaths(`${dir}/`);
    wasmPathsSet = true;
  }
  await activate('wasm');
  return `@tensorflow/tfjs-backend-wasm (${dir})`;
}

async function startCpu(): Promise<string> {
  await activate('cpu');
  return 'pure JavaScript (@tensorflow/tfjs-backend-cpu)';
}

const STARTERS: Record<BackendName, () => Promise<string>> = {
  tensorflow: startTensorflow,
  webgpu: startWebgpu,
  wasm: startWasm,
  cpu: startCpu,
};

const AUTO_ORDER: BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/**
 * Starts the requested backend (or the first that starts, for `auto`), logs which one runs,
 * and returns it. Throws SLUICE_CONFIG_INVALID when a named backend cannot start.
 */
export async function selectBackend(
  request: BackendRequest = resolveBackendRequest(),
  log: BackendLog = stderrLog,
): Promise<BackendChoice> {
  const current = tf.getBackend() as string | undefined;
  if (request !== 'auto' && current === request) {
    return { name: request, detail: `${request} (already active)`, skipped: [] };
  }
  const order = request === 'auto' ? AUTO_ORDER : [request];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    try {
      const detail = await STARTERS[name]();
      log(`sluice: TensorFlow.js backend ${name}: ${detail}`);
      return { name, detail, skipped };
    } catch (e) {
      if (request !== 'auto') {
        throw new SluiceError(
          'SLUICE_CONFIG_INVALID',
          `TensorFlow.js backend '${name}' was requested but cannot start: ${message(e)}`,
        );
      }
      skipped.push({ name, reason: message(e) });
    }
  }
  throw new SluiceError('SLUICE_INTERNAL', 'no TensorFlow.js backend could start (not even cpu)');
}
