// The components mode of the exact sampler (exact-components.ts) against the exact DP of the component moments
// (src-shared/theory/relu-exact-components.ts), within standard errors at fixed seeds; and its measurement route.
import { describe, expect, it } from 'vitest';
import { measureParamsSchema, type MeasureParamsInput } from '../../src-shared/contract/measure';
import { Rng } from '../../src-shared/rng';
import { summarizeComponents } from '../../src-shared/stats/components';
import { reluExactComponentMoments } from '../../src-shared/theory/relu-exact-components';
import { sampleExactComponentsScaled } from './exact-components';
import { checkFeasible, runBlock } from './sample-block';

const KEYS = ['meanW', 'meanB', 'meanW2', 'meanB2', 'meanWB'] as const;

describe('sampleExactComponentsScaled vs the exact component DP', () => {
  // light-tailed points (ordered, EOC, mildly chaotic; one with dead layers); 4-SE bands, N = 4·10⁴
  const cases: [number, number[]][] = [
    [1.5, [50, ...new Array(9).fill(50)]],
    [2, [30, ...new Array(7).fill(60)]],
    [2.4, [100, 80, 60, 40, 20]],
    [2, [2, 1, 3, 1]], // dead layers: Θ_W = 0, Θ_b = 1 with probability ≈ 0.6
  ];
  cases.forEach(([s, w], k) => {
    it(`σ_w² = ${s}, widths ${JSON.stringify(w)}: all five moments within 4 SE`, () => {
      const N = 40_000;
      const r = sampleExactComponentsScaled(s, w, N, new Rng(1234 + k, 0));
      const m = summarizeComponents(r.thetaW, r.thetaB, Math.exp(r.logScale));
      const e = reluExactComponentMoments(s, w);
      for (const key of KEYS) {
        const z = (m[key].estimate - e[key]) / m[key].stderr;
        expect(Math.abs(z), `${key}: measured ${m[key].estimate} ± ${m[key].stderr}, exact ${e[key]}`).toBeLessThan(4);
      }
    });
  });

  it('the check can fail: the Thm 3.2 dead-layer-free E[Θ_b] is many SE off at widths [2, 1, 3, 1]', () => {
    const r = sampleExactComponentsScaled(2, [2, 1, 3, 1], 40_000, new Rng(1237, 0));
    const m = summarizeComponents(r.thetaW, r.thetaB, Math.exp(r.logScale));
    expect(Math.abs(m.meanB.estimate - 4) / m.meanB.stderr).toBeGreaterThan(10); // eq. (12): Σ a^{L−l} = 4
  });
});

const params = (p: Partial<MeasureParamsInput>) =>
  measureParamsSchema.parse({ sigmaW2: 2, depth: 6, width: 40, inputDim: 40, samples: 100, seed: 5, ...p });

describe('measurement route with components and width profiles', () => {
  it('runBlock returns Θ = Θ_W + Θ_b with its parts', () => {
    const b = runBlock(params({ components: true }), 0, 50);
    expect(b.thetaW).toHaveLength(50);
    for (let i = 0; i < 50; i++) expect(b.theta[i]).toBeCloseTo(b.thetaW![i] + b.thetaB![i], 10);
  });

  it('runBlock samples a width profile: E[Θ_W] follows eq. (11) for that profile', () => {
    const widths = [10, 400, 10, 400];
    const b = runBlock(params({ depth: 4, inputDim: 10, widths, components: true, samples: 20_000 }), 0, 20_000);
    const m = summarizeComponents(b.thetaW!, b.thetaB!);
    const eq11 = (1 + 40 + 1 + 40) * 1; // a = 1: Σ n_{l−1}/n₀
    expect(Math.abs(m.meanW.estimate - eq11) / m.meanW.stderr).toBeLessThan(4);
  });

  it('refuses components off the exact route and profiles that do not fit, naming the field', () => {
    const pair = checkFeasible(params({ components: true, pairCos: 0.5 }));
    expect(pair.ok === false && pair.reason).toMatch(/components/);
    const len = checkFeasible(params({ widths: [40, 40] }));
    expect(len.ok === false && len.reason).toMatch(/widths must list depth = 6/);
    const n0 = checkFeasible(params({ depth: 2, widths: [30, 40] }));
    expect(n0.ok === false && n0.reason).toMatch(/widths\[0\]/);
    expect(checkFeasible(params({ depth: 3, widths: [40, 100, 10], components: true }))).toEqual({ ok: true });
  });
});
