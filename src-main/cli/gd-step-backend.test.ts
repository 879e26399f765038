// `ntk-lab gd-step --method dense --backend webgpu` runs the dense networks on Dawn's WebGPU and computes what wasm
// computes on the same seed, reporting the backend that ran. On SwiftShader's Vulkan driver (a CPU implementation of
// a GPU shipped by Debian's chromium; CI installs it), in a child process because the driver's environment must be
// set when a process starts. Without chromium's driver file the test is skipped with the reason printed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_SWIFTSHADER_ICD, swiftshaderEnv } from '../tf/webgpu-backend';

const runtimeDir = mkdtempSync(join(tmpdir(), 'ntk-lab-gd-webgpu-'));
afterAll(() => rmSync(runtimeDir, { recursive: true, force: true }));
const env = swiftshaderEnv(runtimeDir);
if (!env) console.log(`gd-step webgpu test skipped: ${CHROMIUM_SWIFTSHADER_ICD} is absent (apt-get install chromium)`);

const ARGS = ['--sigma-w2', '2', '--depth', '3', '--width', '16', '--input-dim', '8', '--lr', '0.05'];
const RUN = [...ARGS, '--samples', '12', '--seed', '7', '--pair-cos', '0.5', '--method', 'dense', '--json'];

interface Estimate {
  estimate: number;
  stderr: number;
}
interface GdStepJson {
  backend: string;
  method: string;
  samples: number;
  diverged: number;
  relativeChange: Estimate;
  absRelativeChange: Estimate;
  meanTheta: Estimate;
  offDiagonal: { relativeChange: Estimate; absRelativeChange: Estimate };
}

function gdStep(backend: string): Promise<GdStepJson> {
  const bin = fileURLToPath(new URL('../../bin/ntk-lab.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, 'gd-step', ...RUN, '--backend', backend],
      { env: env!, timeout: 100_000 },
      (err, out, errOut) => {
        if (err) reject(new Error(`gd-step --backend ${backend} failed: ${err.message}\n${errOut.slice(-2000)}`));
        else resolve(JSON.parse(out) as GdStepJson);
      },
    );
  });
}

/**
 * Both backends draw the same float32 weights (one seeded tfjs generator) and differ only in summation order (GPU
 * workgroup tiles vs XNNPACK): over 12 networks of 3 layers the relative difference stays near float32's ε = 6e-8
 * (the dense NTK and GD step of webgpu-backend.test.ts: ≤ 3e-7), so 1e-4 leaves a wide margin while a wrong kernel
 * or a run on another engine misses by O(1) or by float64-vs-float32 sampling.
 */
function close(a: number, b: number, rel = 1e-4): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)));
}

describe.skipIf(!env)('gd-step --method dense --backend webgpu (Dawn on SwiftShader) vs wasm', () => {
  it('reports webgpu as its backend and agrees with wasm to float32 tolerance', async () => {
    const wasm = await gdStep('wasm');
    const gpu = await gdStep('webgpu');
    expect(wasm.backend).toMatch(/^tfjs wasm · /);
    expect(gpu.backend).toMatch(/^tfjs webgpu · software GPU \(WebGPU\/Dawn: SwiftShader/);
    for (const r of [wasm, gpu]) {
      expect(r.method).toBe('dense');
      expect(r.samples).toBe(12);
      expect(r.diverged).toBe(0);
    }
    // the step did change the kernel (else agreement would be vacuous)
    expect(Math.abs(wasm.absRelativeChange.estimate)).toBeGreaterThan(1e-3);
    for (const k of ['relativeChange', 'absRelativeChange', 'meanTheta'] as const) {
      close(wasm[k].estimate, gpu[k].estimate);
      close(wasm[k].stderr, gpu[k].stderr);
    }
    close(wasm.offDiagonal.relativeChange.estimate, gpu.offDiagonal.relativeChange.estimate);
    close(wasm.offDiagonal.absRelativeChange.estimate, gpu.offDiagonal.absRelativeChange.estimate);
  }, 240_000);
});
