// The webgpu backend: Dawn for Node (the optional `webgpu` package, its prebuilt dawn.node) gives a WebGPU adapter
// over Vulkan / Metal / D3D12, and @tensorflow/tfjs-backend-webgpu runs TensorFlow.js on it. No CUDA toolkit needed.
// We pick the adapter ourselves (so it can be reported and judged before any work) and register the backend with
// that adapter's device, rather than the package's own registration, which needs a browser-style navigator.gpu.
//
// Without a GPU, a software Vulkan driver still gives an adapter: SwiftShader (Debian's chromium ships it, see
// swiftshaderEnv) or Mesa's llvmpipe/lavapipe. Those emulate the GPU on the CPU, slower than wasm, so 'auto' turns
// them down (hardwareOnly) and only an explicit `--backend webgpu` uses them (tests, checking the kernels).
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU emulation of a GPU (SwiftShader, llvmpipe, lavapipe, or an adapter flagged as a fallback). */
  software: boolean;
}

/** Debian / Ubuntu chromium's SwiftShader Vulkan driver and the Vulkan loader beside it. */
export const CHROMIUM_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_LIB_DIR = '/usr/lib/chromium';

/**
 * Environment for a child process that should see SwiftShader as its WebGPU adapter (tests, bench), or null when
 * chromium's driver is absent. LD_LIBRARY_PATH: the system may lack libvulkan.so.1 (package libvulkan1); chromium
 * ships one, and the dynamic loader reads LD_LIBRARY_PATH only at process start, hence a child process.
 */
export function swiftshaderEnv(runtimeDir: string): NodeJS.ProcessEnv | null {
  if (!existsSync(CHROMIUM_SWIFTSHADER_ICD)) return null;
  const ld = process.env.LD_LIBRARY_PATH;
  return {
    ...process.env,
    VK_ICD_FILENAMES: CHROMIUM_SWIFTSHADER_ICD,
    XDG_RUNTIME_DIR: runtimeDir,
    LD_LIBRARY_PATH: ld ? `${CHROMIUM_LIB_DIR}:${ld}` : CHROMIUM_LIB_DIR,
  };
}

/**
 * Whether the dynamic loader can find the Vulkan loader (libvulkan.so.1), which Dawn needs on Linux: in
 * LD_LIBRARY_PATH or the ld.so cache. When the cache cannot be read (an unusual layout) we let Dawn try.
 */
export function linuxVulkanLoaderFound(env: NodeJS.ProcessEnv = process.env, cache = '/etc/ld.so.cache'): boolean {
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return true;
  try {
    return readFileSync(cache).includes('libvulkan.so.1');
  } catch {
    return true;
  }
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

// The few WebGPU shapes used here (the full typings, @webgpu/types, come only with the optional package)
interface RawAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface Device {
  lost: Promise<{ reason: string; message: string }>;
}
interface Adapter {
  info: RawAdapterInfo;
  limits: Record<string, number>;
  requestDevice(desc: { requiredLimits: Record<string, number> }): Promise<Device>;
}
interface DawnModule {
  create(flags: string[]): { requestAdapter(opts: { powerPreference: string }): Promise<Adapter | null> };
  globals: Record<string, unknown>;
}

let lostReason: string | null = null;
/** Why this process's WebGPU device was lost (driver reset, out of memory), or null while it is fine. */
export function webgpuLost(): string | null {
  return lostReason;
}

export function adapterInfo(info: RawAdapterInfo): GpuAdapterInfo {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const software =
    info.isFallbackAdapter === true || SOFTWARE.test([vendor, architecture, device, description].join(' '));
  return { vendor, architecture, device, description, software };
}

/**
 * Load Dawn, request a high-performance adapter and a device, register tfjs's 'webgpu' backend on it and activate
 * it. Throws a readable Error when Dawn finds no adapter, or (hardwareOnly) only a software one.
 */
export async function activateWebgpu(
  importModule: (specifier: string) => Promise<unknown>,
  opts: { hardwareOnly: boolean; vulkanLoaderFound?: () => boolean },
): Promise<GpuAdapterInfo> {
  // auto on Linux without a Vulkan loader: say so instead of loading Dawn to print a warning and find nothing
  if (opts.hardwareOnly && process.platform === 'linux' && !(opts.vulkanLoaderFound ?? linuxVulkanLoaderFound)())
    throw new Error(
      'no Vulkan loader (libvulkan.so.1) on this Linux system, so Dawn can see no GPU: install libvulkan1 and the ' +
        "GPU vendor's Vulkan driver",
    );
  const dawn = (await importModule('webgpu')) as Partial<DawnModule>;
  if (typeof dawn.create !== 'function' || !dawn.globals)
    throw new Error('the webgpu package has no create/globals exports (an incompatible version?)');
  // GPUBufferUsage, GPUMapMode, GPUShaderStage…: tfjs-backend-webgpu reads them as globals, as in a browser
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) Object.assign(globalThis, { [k]: v });
  const gpu = dawn.create([]);
  // the backend's constructor checks navigator.gpu (Node 20 has no navigator; Node 21+ has one without gpu)
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error(
      'Dawn found no GPU adapter (no Vulkan, Metal or D3D12 driver; on Linux install the GPU vendor driver and ' +
        'libvulkan1)',
    );
  const info = adapterInfo(adapter.info);
  const name = info.description || info.device || info.vendor || 'unknown adapter';
  if (opts.hardwareOnly && info.software)
    throw new Error(
      `only a software adapter (${name}): it emulates the GPU on the CPU, slower than wasm; ` +
        'choose --backend webgpu to use it anyway',
    );
  const mod = (await importModule('@tensorflow/tfjs-backend-webgpu')) as {
    WebGPUBackend?: new (device: Device, info?: RawAdapterInfo) => tf.KernelBackend;
  };
  const WebGPUBackend = mod.WebGPUBackend;
  if (typeof WebGPUBackend !== 'function')
    throw new Error('@tensorflow/tfjs-backend-webgpu has no WebGPUBackend export (an incompatible version?)');
  if (!tf.getKernel('BatchMatMul', 'webgpu'))
    throw new Error(
      "@tensorflow/tfjs-backend-webgpu loaded but registered no 'webgpu' kernels (a second copy of tfjs-core?)",
    );
  // the limits tfjs-backend-webgpu asks for in its own registration (base.ts), so its kernels fit as they expect
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  lostReason = null;
  void device.lost.then((lost) => {
    if (lost.reason !== 'destroyed') lostReason = `the WebGPU device was lost: ${lost.message || lost.reason}`;
  });
  if (tf.engine().registryFactory.webgpu) tf.removeBackend('webgpu');
  const backend = new WebGPUBackend(device, adapter.info); // built here so that its errors surface, not a warning
  tf.registerBackend('webgpu', () => backend);
  if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed to initialize");
  await tf.ready();
  return info;
}
