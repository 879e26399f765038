// Backend selection: native packages that fail (simulated through the injectable loader, and for real: they are
// not installed here) fall back to wasm with readable reasons; a failing wasm falls back to cpu; forcing works.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { defaultLoader, initBackend, type BackendLoader } from './backend';

function failing(messages: Record<string, Error>): Partial<BackendLoader> {
  return {
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
        '@tensorflow/tfjs-node': new Error(
          'libtensorflow.so.2: cannot open shared object file: No such file or directory',
        ),
      }),
    });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.device).toMatch(/^CPU \(WebAssembly( SIMD)?, \d+ threads?\)$/);
    expect(info.tfjsVersion).toBe(tf.version_core);
    expect(info.fallbacks.map((f) => f.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(info.fallbacks[0].reason).toMatch(/failed to load: libcudart\.so\.11\.0: cannot open shared object file/);
    expect(info.fallbacks[0].reason).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    expect(info.fallbacks[1].reason).toMatch(
      /@tensorflow\/tfjs-node failed to load: libtensorflow\.so\.2: cannot open shared object file/,
    );
  });

  it('reports a missing optional package as not installed, with how to add it', async () => {
    const info = await initBackend({
      loader: failing({
        '@tensorflow/tfjs-node-gpu': notFound('@tensorflow/tfjs-node-gpu'),
        '@tensorflow/tfjs-node': notFound('@tensorflow/tfjs-node'),
      }),
    });
    expect(info.name).toBe('wasm');
    expect(info.fallbacks[0].reason).toMatch(
      /tfjs-node-gpu is not installed \(optional: npm install @tensorflow\/tfjs-node-gpu; .*CUDA 11\.2 and cuDNN 8\.1/,
    );
    expect(info.fallbacks[1].reason).toMatch(
      /tfjs-node is not installed \(optional: npm install @tensorflow\/tfjs-node; it downloads libtensorflow\)/,
    );
  });

  it('with the real loader: the native packages (absent here) are skipped as not installed', async () => {
    const info = await initBackend();
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(info.name); // wasm unless someone installed tfjs-node
    if (info.name === 'wasm') expect(info.fallbacks.every((f) => /is not installed/.test(f.reason))).toBe(true);
  });

  it('falls back to cpu when wasm also fails', async () => {
    const info = await initBackend({
      loader: failing({
        '@tensorflow/tfjs-node-gpu': new Error('boom gpu'),
        '@tensorflow/tfjs-node': new Error('boom cpu'),
        '@tensorflow/tfjs-backend-wasm': new Error('WebAssembly.instantiate(): Out of memory'),
      }),
    });
    expect(info.fallbacks.map((f) => f.backend)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm']);
    expect(info.fallbacks[2].reason).toMatch(
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
