// TensorFlow.js backend selection for the dense-network engine, in order of speed:
//   @tensorflow/tfjs-node-gpu (CUDA) → webgpu (Dawn: Vulkan / Metal / D3D12) → @tensorflow/tfjs-node (libtensorflow,
//   CPU) → wasm → cpu (plain JavaScript).
// Both native packages are optional and NOT dependencies (their install downloads libtensorflow): they are
// loaded with a dynamic import() of a variable specifier, so neither bundlers nor the type checker try to resolve
// them, and a missing or broken one becomes a readable fallback reason. tfjs-node-gpu 4.x needs CUDA 11.2 and
// cuDNN 8.1 on the library path. A native backend can be loaded in only one thread per process: call this only
// from the dedicated TF worker (tf-worker.ts) or a standalone process (CLI, bench, tests).
// webgpu: the optional `webgpu` package (Dawn for Node, prebuilt dawn.node inside) gives a GPU adapter with no CUDA
// toolkit; @tensorflow/tfjs-backend-webgpu runs on it (webgpu-backend.ts). 'auto' takes it only for a hardware
// adapter: a software one (SwiftShader, llvmpipe) emulates the GPU on the CPU and is slower than wasm.
// The wasm binaries are located at run time from node_modules (createRequire), so this works from source and from
// the Electron bundle alike (the .wasm files must then sit unpacked next to the package, not inside an asar).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { activateWebgpu, linuxVulkanLoaderFound, type GpuAdapterInfo } from './webgpu-backend';
import {
  BACKEND_CHOICES_TEXT,
  BACKEND_ORDER,
  isBackendChoice,
  type BackendChoice,
  type BackendName,
} from './backend-names';

export { BACKEND_CHOICES_TEXT, BACKEND_ORDER, isBackendChoice };
export type { BackendChoice, BackendName } from './backend-names';

export interface BackendFallback {
  backend: BackendName;
  reason: string;
}

export interface BackendInfo {
  name: BackendName;
  /** Human-readable device, e.g. 'CUDA GPU (libtensorflow)', 'CPU (WebAssembly SIMD, 1 thread)'. */
  device: string;
  /** Why each earlier choice was not taken, in order (empty when the first choice worked or was forced). */
  fallbacks: BackendFallback[];
  /** @tensorflow/tfjs-core version. */
  tfjsVersion: string;
  /** The GPU adapter (webgpu only). */
  adapter?: GpuAdapterInfo;
}

/** How packages are found; injectable so tests can simulate a native backend that fails to load. */
export interface BackendLoader {
  /** Import a package by name (default: a real dynamic import()). */
  importModule(specifier: string): Promise<unknown>;
  /** Directory (with trailing separator) holding tfjs-backend-wasm's .wasm files. */
  wasmDir(): string;
  /** Linux: whether libvulkan.so.1 can be loaded (Dawn needs it); 'auto' skips webgpu without it. */
  vulkanLoaderFound(): boolean;
}

export interface InitBackendOptions {
  /** 'auto' (default) walks BACKEND_ORDER; a name forces that backend and throws if it cannot load. */
  prefer?: BackendChoice;
  loader?: Partial<BackendLoader>;
}

const PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const GPU_REQUIREMENT = 'tfjs-node-gpu 4.x needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 on the library path';

export const defaultLoader: BackendLoader = {
  importModule(specifier: string): Promise<unknown> {
    // installed dependencies by literal name (bundlers see them); optional native ones through a variable
    if (specifier === PACKAGES.wasm) return import('@tensorflow/tfjs-backend-wasm');
    if (specifier === PACKAGES.cpu) return import('@tensorflow/tfjs-backend-cpu');
    const name: string = specifier;
    return import(/* @vite-ignore */ name);
  },
  vulkanLoaderFound: () => linuxVulkanLoaderFound(),
  wasmDir(): string {
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    return join(dirname(pkg), 'dist') + '/';
  },
};

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A module-not-found error for exactly this package (not for something it imports, e.g. libtensorflow bindings). */
function isMissingPackage(err: unknown, specifier: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message(err).includes(`'${specifier}'`))
    return true;
  // Vite's module runner (vitest) words it differently and sets no code
  return message(err).startsWith(`Could not resolve "${specifier}"`);
}

function reasonFor(name: BackendName, err: unknown): string {
  const pkg = PACKAGES[name];
  if (name === 'tensorflow-gpu') {
    return isMissingPackage(err, pkg)
      ? `${pkg} is not installed (optional: npm install ${pkg}; ${GPU_REQUIREMENT})`
      : `${pkg} failed to load: ${message(err)} (${GPU_REQUIREMENT})`;
  }
  if (name === 'webgpu') {
    for (const p of ['webgpu', pkg])
      if (isMissingPackage(err, p))
        return `${p} is not installed (optional: npm install webgpu @tensorflow/tfjs-backend-webgpu)`;
    return message(err);
  }
  if (name === 'tensorflow') {
    return isMissingPackage(err, pkg)
      ? `${pkg} is not installed (optional: npm install ${pkg}; it downloads libtensorflow)`
      : `${pkg} failed to load: ${message(err)}`;
  }
  return `${pkg} failed to load: ${message(err)}`;
}

/** Load, register and activate one backend; returns its device description or throws. */
async function activate(
  name: BackendName,
  loader: BackendLoader,
  auto: boolean,
): Promise<{ device: string; adapter?: GpuAdapterInfo }> {
  if (name === 'webgpu') {
    const adapter = await activateWebgpu(loader.importModule, {
      hardwareOnly: auto,
      vulkanLoaderFound: loader.vulkanLoaderFound,
    });
    const what = [adapter.description || adapter.device, adapter.vendor, adapter.architecture].filter(Boolean);
    return { device: `${adapter.software ? 'software GPU' : 'GPU'} (WebGPU/Dawn: ${what.join(', ')})`, adapter };
  }
  return { device: await activateTfjs(name, loader) };
}

async function activateTfjs(name: Exclude<BackendName, 'webgpu'>, loader: BackendLoader): Promise<string> {
  const mod = (await loader.importModule(PACKAGES[name])) as Record<string, unknown>;
  if (name === 'wasm') {
    const setWasmPaths = mod.setWasmPaths as ((prefix: string) => void) | undefined;
    if (typeof setWasmPaths !== 'function') throw new Error('the module has no setWasmPaths export');
    setWasmPaths(loader.wasmDir());
  }
  const registered = name === 'tensorflow-gpu' ? 'tensorflow' : name; // both native packages register 'tensorflow'
  if (!tf.engine().registryFactory[registered]) {
    throw new Error(
      `the package loaded but did not register the '${registered}' backend (a second copy of @tensorflow/tfjs-core?)`,
    );
  }
  if (!(await tf.setBackend(registered))) throw new Error(`tf.setBackend('${registered}') failed to initialize`);
  await tf.ready();
  switch (name) {
    case 'tensorflow-gpu': {
      // tfjs-node-gpu without a usable CUDA device silently runs on the CPU: say so
      const binding = (tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } }).binding;
      const gpu = typeof binding?.isUsingGpuDevice === 'function' ? binding.isUsingGpuDevice() : undefined;
      if (gpu === false) return 'CPU (libtensorflow-gpu found no usable CUDA device)';
      return 'CUDA GPU (libtensorflow)';
    }
    case 'tensorflow':
      return 'CPU (libtensorflow)';
    case 'wasm': {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      const n = threads ? `${availableParallelism()} threads` : '1 thread';
      return `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${n})`;
    }
    case 'cpu':
      return 'CPU (JavaScript)';
  }
}

/**
 * Select and activate a backend for this thread's TensorFlow.js engine. 'auto' tries BACKEND_ORDER and records why
 * each earlier one failed; a forced backend that fails throws an Error with the reason.
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const prefer = opts.prefer ?? 'auto';
  if (!isBackendChoice(prefer))
    throw new RangeError(`backend must be one of ${BACKEND_CHOICES_TEXT} (got ${JSON.stringify(prefer)})`);
  const loader: BackendLoader = { ...defaultLoader, ...opts.loader };
  tf.env().set('PROD', true); // silences the "install tfjs-node" banner of the cpu backend; PROD only gates logging
  const order = prefer === 'auto' ? BACKEND_ORDER : [prefer];
  const fallbacks: BackendFallback[] = [];
  for (const name of order) {
    try {
      const { device, adapter } = await activate(name, loader, prefer === 'auto');
      const info: BackendInfo = { name, device, fallbacks, tfjsVersion: tf.version_core };
      if (adapter) info.adapter = adapter;
      return info;
    } catch (err) {
      const reason = reasonFor(name, err);
      if (prefer !== 'auto') throw new Error(`backend ${name} is unavailable: ${reason}`, { cause: err });
      fallbacks.push({ backend: name, reason });
    }
  }
  throw new Error(
    `no TensorFlow.js backend could be loaded: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`,
  );
}

let current: Promise<BackendInfo> | undefined;
let currentChoice: BackendChoice | undefined;

/**
 * The backend of this thread, initialized once (later calls with the same choice share it). Asking for a different
 * choice re-runs the selection. A failed initialization is not cached.
 */
export function ensureBackend(prefer: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (!current || currentChoice !== prefer) {
    currentChoice = prefer;
    current = initBackend({ prefer });
    current.catch(() => {
      if (currentChoice === prefer) current = undefined;
    });
  }
  return current;
}
