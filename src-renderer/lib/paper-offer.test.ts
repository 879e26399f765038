import { describe, expect, it } from 'vitest';
import type { TensorflowInfo } from '../../src-shared/contract/messages';
import { PAPER_SIZE as FIG4 } from '../../src-shared/contract/train-dynamics';
import { fig3Work, fig4Work, gpuBackend, paperOffer, stepSecondsFromProbe } from './paper-offer';

const ready = (over: Partial<TensorflowInfo>): TensorflowInfo => ({
  state: 'ready',
  backend: 'wasm',
  device: 'CPU (WebAssembly SIMD, 1 thread)',
  fallbacks: [],
  ...over,
});
const adapter = (software: boolean) => ({
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'H100',
  description: software ? 'SwiftShader driver 5.0.0' : 'NVIDIA H100',
  software,
});

describe('paper-size offer', () => {
  it('is offered on tfjs-node-gpu with a CUDA device and on webgpu with a hardware adapter only', () => {
    expect(gpuBackend(ready({ backend: 'tensorflow-gpu', device: 'GPU 0: NVIDIA H100' }))).toEqual({
      active: true,
      device: 'GPU 0: NVIDIA H100',
    });
    expect(gpuBackend(ready({ backend: 'webgpu', device: 'GPU (WebGPU/Dawn)', adapter: adapter(false) })).active).toBe(
      true,
    );
    const cases: [TensorflowInfo | undefined, RegExp][] = [
      [undefined, /reports no TensorFlow/],
      [{ state: 'detecting', fallbacks: [] }, /not detected yet/],
      [{ state: 'failed', fallbacks: [], error: 'boom' }, /failed: boom/],
      [ready({}), /tfjs wasm on the CPU/],
      [ready({ backend: 'tensorflow' }), /tfjs tensorflow on the CPU/],
      [ready({ backend: 'tensorflow-gpu', device: 'CPU (no CUDA device)' }), /tensorflow-gpu on the CPU/],
      [ready({ backend: 'webgpu', adapter: adapter(true) }), /software adapter: SwiftShader/],
    ];
    for (const [tf, why] of cases) {
      const offer = paperOffer(tf, fig4Work(), 0.01);
      expect(offer.offered).toBe(false);
      if (!offer.offered) {
        expect(offer.reason).toMatch(/^no GPU backend/);
        expect(offer.reason).toMatch(why);
      }
    }
  });

  it('estimates the time as the measured step × steps × runs, and says it is an estimate', () => {
    const gpu = ready({ backend: 'webgpu', device: 'GPU (WebGPU/Dawn: NVIDIA H100)', adapter: adapter(false) });
    const fig4 = paperOffer(gpu, fig4Work(), 0.02);
    expect(fig4).toMatchObject({ offered: true, device: 'GPU (WebGPU/Dawn: NVIDIA H100)' });
    if (fig4.offered) {
      expect(fig4.seconds).toBeCloseTo(0.02 * 3 * (FIG4.steps ?? 0), 9); // 3 runs × 3,000 steps = 180 s
      expect(fig4.text).toMatch(
        /≈ 3 min 0 s of training \(3 runs × 3000 steps; an estimate from one measured step of 20\.0 ms/,
      );
    }
    const measuring = paperOffer(gpu, fig4Work(), null);
    expect(measuring).toMatchObject({ offered: true, seconds: null });
    if (measuring.offered) expect(measuring.text).toMatch(/measuring one step/);
    const failed = paperOffer(gpu, fig4Work(), null, 'the probe failed: device lost');
    if (failed.offered) expect(failed.text).toMatch(/no time estimate: the probe failed: device lost/);
  });

  it('scales Fig. 3 cells from the Fig. 4 step by their flops (depths 3, 6, …, 60 at width 1024, batch 1024)', () => {
    // flops of a step ∝ batch × parameters; parameters of 784 → M × (L − 1) → 10
    const params = (L: number, M: number) => M * 785 + (L - 2) * M * (M + 1) + 10 * (M + 1);
    const probe = 9000 * params(20, 300);
    let sum = 0;
    for (let L = 3; L <= 60; L += 3) sum += (1024 * params(L, 1024)) / probe;
    const w = fig3Work();
    expect(w.probeSteps).toBeCloseTo(sum * 20 * 2000, 3);
    expect(w.describe).toBe('400 cells × 2000 steps');
  });

  it('takes one step from the probe records with the record cost cancelled, or none when noise hides it', () => {
    // step 0.1 s, record 2 s: t₀ = 2 (a record), t₁ = 2 + 0.1 + 2, t₆ = t₁ + 0.5 + 2
    expect(
      stepSecondsFromProbe([
        { step: 0, seconds: 2 },
        { step: 1, seconds: 4.1 },
        { step: 6, seconds: 6.6 },
      ]),
    ).toBeCloseTo(0.1, 12);
    expect(stepSecondsFromProbe([{ step: 0, seconds: 2 }])).toBeNull();
    expect(
      stepSecondsFromProbe([
        { step: 0, seconds: 2 },
        { step: 1, seconds: 5 },
        { step: 6, seconds: 6 },
      ]),
    ).toBeNull();
  });
});
