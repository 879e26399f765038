// Backend selection: native packages that fail (simulated through the injectable loader, and for real: they are
// not installed here) fall back to wasm with readable reasons; a failing wasm falls back to cpu; forcing works.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { defaultLoader, initBackend, type BackendLoader } from './backend';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterInfo, linuxVulkanLoaderFound } from './webgpu-backend';

function failing(messages: Record<string, Error>): Partial<BackendLoader> {
  return {
    vulkanLoaderFound: () => true, // so that the injected Dawn failure is what webgpu reports
    importModule: (specifier) =>
      messages[specifier] ? Promise.reject(messages[specifier]) : defaultLoader.importModule(specifier),
  };
}

function notFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/out/main/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('initBackend', () => {
  it('falls back from broken native backends to wasm and says why', async () => {
    const info = await initBackend({
      loader: failing({
        '@tensorflow/tfjs-node-gpu': new Error(
          'libcudart.so.11.0: cannot open shared object file: No such file or directory',
        ),
        webgpu: new Error('dawn.node: GLIBC_2.38 not found'),
        '@tensorflow/tfjs-node': new Error(
          'libtensorflow.so.2: cannot open shared object file: No such file or directory',
        ),
      }),
    });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.device).toMatch(/^CPU \(WebAssembly( SIMD)?, \d+ threads?\)$/);
    expect(info.tfjsVersion).toBe(tf.version_core);
    expect(info.fallbacks.map((f) => f.backend)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(info.fallbacks[0].reason).toMatch(/failed to load: libcudart\.so\.11\.0: cannot open shared object file/);
    expect(info.fallbacks[0].reason).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    expect(info.fallbacks[1].reason).toBe('dawn.node: GLIBC_2.38 not found');
    expect(info.fallbacks[2].reason).toMatch(
      /@tensorflow\/tfjs-node failed to load: libtensorflow\.so\.2: cannot open shared object file/,
    );
  });

  it('reports a missing optional package as not installed, with how to add it', async () => {
    const info = await initBackend({
      loader: failing({
        '@tensorflow/tfjs-node-gpu': notFound('@tensorflow/tfjs-node-gpu'),
        webgpu: notFound('webgpu'),
        '@tensorflow/tfjs-node': notFound('@tensorflow/tfjs-node'),
      }),
    });
    expect(info.name).toBe('wasm');
    expect(info.fallbacks[0].reason).toMatch(
      /tfjs-node-gpu is not installed \(optional: npm install @tensorflow\/tfjs-node-gpu; .*CUDA 11\.2 and cuDNN 8\.1/,
    );
    expect(info.fallbacks[1].reason).toBe(
      'webgpu is not installed (optional: npm install webgpu @tensorflow/tfjs-backend-webgpu)',
    );
    expect(info.fallbacks[2].reason).toMatch(
      /tfjs-node is not installed \(optional: npm install @tensorflow\/tfjs-node; it downloads libtensorflow\)/,
    );
  });

  it('with the real loader: the native packages (absent here) are skipped as not installed, webgpu for its adapter', async () => {
    const info = await initBackend();
    // wasm unless someone installed tfjs-node or the machine has a GPU with a Vulkan / Metal / D3D12 driver
    expect(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm']).toContain(info.name);
    if (info.name === 'wasm')
      for (const f of info.fallbacks)
        expect(f.reason).toMatch(
          f.backend === 'webgpu' ? /no Vulkan loader|no GPU adapter|only a software adapter/ : /is not installed/,
        );
  });

  it('falls back to cpu when wasm also fails', async () => {
    const info = await initBackend({
      loader: failing({
        '@tensorflow/tfjs-node-gpu': new Error('boom gpu'),
        webgpu: new Error('boom webgpu'),
        '@tensorflow/tfjs-node': new Error('boom cpu'),
        '@tensorflow/tfjs-backend-wasm': new Error('WebAssembly.instantiate(): Out of memory'),
      }),
    });
    expect(info.fallbacks.map((f) => f.backend)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm']);
    expect(info.fallbacks[3].reason).toMatch(
      /tfjs-backend-wasm failed to load: WebAssembly\.instantiate\(\): Out of memory/,
    );
    expect(info.name).toBe('cpu');
    expect(info.device).toBe('CPU (JavaScript)');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a native package that loads but registers nothing is a fallback, not a crash', async () => {
    const info = await initBackend({
      loader: { importModule: (s) => (s.includes('tfjs-node') ? Promise.resolve({}) : defaultLoader.importModule(s)) },
    });
    expect(info.name).toBe('wasm');
    expect(info.fallbacks[0].reason).toMatch(/did not register the 'tensorflow' backend/);
  });

  it('a forced backend is used without fallbacks, and a forced unavailable one throws with the reason', async () => {
    const cpu = await initBackend({ prefer: 'cpu' });
    expect(cpu).toMatchObject({ name: 'cpu', fallbacks: [] });
    await expect(
      initBackend({
        prefer: 'tensorflow',
        loader: failing({ '@tensorflow/tfjs-node': new Error('libtensorflow.so: cannot open shared object file') }),
      }),
    ).rejects.toThrow(/backend tensorflow is unavailable: .*libtensorflow\.so: cannot open shared object file/);
    await expect(initBackend({ prefer: 'webgl' as never })).rejects.toThrow(RangeError);
    const wasm = await initBackend({ prefer: 'wasm' });
    expect(wasm.name).toBe('wasm');
  });
});

/** A Dawn module stand-in whose one adapter says `info` (or none with null). */
function fakeDawn(info: Record<string, string> | null): Partial<BackendLoader> {
  const adapter = info && {
    info,
    limits: {},
    requestDevice: () => Promise.reject(new Error('the fake adapter has no device')),
  };
  return {
    vulkanLoaderFound: () => true,
    importModule: (s) =>
      s === 'webgpu'
        ? Promise.resolve({ create: () => ({ requestAdapter: () => Promise.resolve(adapter) }), globals: {} })
        : defaultLoader.importModule(s),
  };
}

describe('initBackend: webgpu adapters', () => {
  const swiftshader = {
    vendor: 'google',
    architecture: 'swiftshader',
    device: '',
    description: 'SwiftShader driver 5',
  };

  it("'auto' turns down a software adapter (a CPU emulation, slower than wasm) and says which it was", async () => {
    const info = await initBackend({ loader: fakeDawn(swiftshader) });
    const why = info.fallbacks.find((f) => f.backend === 'webgpu')?.reason;
    expect(why).toMatch(/only a software adapter \(SwiftShader driver 5\).*--backend webgpu/);
    expect(info.name).toBe('wasm');
  });

  it('no adapter at all is a fallback with the reason; forced, it is an error naming the backend', async () => {
    const info = await initBackend({ loader: fakeDawn(null) });
    expect(info.fallbacks.find((f) => f.backend === 'webgpu')?.reason).toMatch(/Dawn found no GPU adapter/);
    await expect(initBackend({ prefer: 'webgpu', loader: fakeDawn(null) })).rejects.toThrow(
      /backend webgpu is unavailable: Dawn found no GPU adapter/,
    );
  });

  it("on Linux without a Vulkan loader, 'auto' says so without loading Dawn; forced, Dawn is still tried", async () => {
    const loader = { ...fakeDawn(swiftshader), vulkanLoaderFound: () => false };
    const info = await initBackend({ loader });
    const why = info.fallbacks.find((f) => f.backend === 'webgpu')?.reason;
    if (process.platform === 'linux') expect(why).toMatch(/no Vulkan loader \(libvulkan\.so\.1\).*libvulkan1/);
    await expect(initBackend({ prefer: 'webgpu', loader })).rejects.toThrow(/the fake adapter has no device/);
  });

  it('finds the Vulkan loader on LD_LIBRARY_PATH or in the ld.so cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-vk-'));
    const cache = join(dir, 'ld.so.cache');
    writeFileSync(cache, 'libc.so.6\0libm.so.6\0');
    expect(linuxVulkanLoaderFound({}, cache)).toBe(false);
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    expect(linuxVulkanLoaderFound({ LD_LIBRARY_PATH: `/nonexistent:${dir}` }, cache)).toBe(true);
    writeFileSync(cache, 'libc.so.6\0libvulkan.so.1\0');
    expect(linuxVulkanLoaderFound({}, cache)).toBe(true);
    expect(linuxVulkanLoaderFound({}, join(dir, 'no-cache-here'))).toBe(true); // unknown layout: let Dawn try
  });

  it('adapterInfo tells software adapters from hardware ones', () => {
    expect(adapterInfo(swiftshader).software).toBe(true);
    expect(adapterInfo({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).software).toBe(true);
    expect(adapterInfo({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA RTX A4000' })).toEqual({
      vendor: 'nvidia',
      architecture: 'ampere',
      device: '',
      description: 'NVIDIA RTX A4000',
      software: false,
    });
    expect(adapterInfo({ vendor: 'apple', isFallbackAdapter: true }).software).toBe(true);
  });
});
