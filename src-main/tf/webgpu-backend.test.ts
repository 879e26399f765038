// The webgpu backend computes what wasm computes: a few SGD steps, a dense NTK and a GD step on the same seeds, on
// Dawn's WebGPU over SwiftShader's Vulkan driver (a CPU implementation of a GPU, shipped by Debian's chromium; CI
// installs it). It runs in a child process because the driver's environment (VK_ICD_FILENAMES, the Vulkan loader on
// LD_LIBRARY_PATH) must be set when a process starts. Without chromium's driver file the test is skipped with the
// reason printed; with it, a webgpu that does not start fails the test.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Computed } from './webgpu-agreement.fixture';
import { CHROMIUM_SWIFTSHADER_ICD, swiftshaderEnv } from './webgpu-backend';

const runtimeDir = mkdtempSync(join(tmpdir(), 'ntk-lab-webgpu-'));
afterAll(() => rmSync(runtimeDir, { recursive: true, force: true }));
const env = swiftshaderEnv(runtimeDir);
if (!env)
  console.log(`webgpu agreement test skipped: ${CHROMIUM_SWIFTSHADER_ICD} is absent (apt-get install chromium)`);

function runFixture(): Promise<Record<string, Computed>> {
  const fixture = fileURLToPath(new URL('./webgpu-agreement.fixture.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsx, fixture, 'wasm', 'webgpu'], { env: env!, timeout: 50_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`the fixture failed: ${err.message}\n${errOut.slice(-2000)}`));
      else resolve(JSON.parse(out) as Record<string, Computed>);
    });
  });
}

/**
 * Entries agree to `rel` of the largest magnitude. Both backends round to float32 (ε = 6e-8) but sum in different
 * orders (GPU workgroup tiles vs XNNPACK); over sums of ≤ 16 terms per layer, 3 layers and 4 SGD steps the
 * differences stay near 1e-6 relative (measured: ≤ 3e-7), so 1e-4 leaves a wide margin while any wrong kernel
 * misses by O(1).
 */
function close(a: number[], b: number[], rel = 1e-4): void {
  expect(b).toHaveLength(a.length);
  const scale = Math.max(...a.map(Math.abs));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(rel * scale);
}

describe.skipIf(!env)('webgpu (Dawn on SwiftShader) vs wasm', () => {
  it('train steps, dense NTK and GD step agree to float32 tolerance', async () => {
    const r = await runFixture();
    const [w, g] = [r.wasm, r.webgpu];
    expect(w.backend.name).toBe('wasm');
    expect(g.backend.name).toBe('webgpu');
    expect(g.backend.adapter).toMatchObject({ software: true });
    expect(g.backend.device).toMatch(/^software GPU \(WebGPU\/Dawn: SwiftShader/);
    close(w.losses, g.losses);
    close([w.finalLoss], [g.finalLoss]);
    expect(g.finalAccuracy).toBe(w.finalAccuracy); // 24 samples: an arg-max flip would need a tie within 1e-6
    expect(w.losses.at(-1)!).toBeLessThan(w.losses[0]); // the steps did train
    for (const k of [
      'theta',
      'thetaTilde',
      'thetaOff',
      'gdTheta',
      'gdThetaAfter',
      'gdOutput',
      'gdOutputAfter',
    ] as const)
      close(w[k], g[k]);
    expect(w.theta).toHaveLength(6);
    expect(w.gdThetaAfter).toHaveLength(6);
  });
});
