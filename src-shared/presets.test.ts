import { describe, expect, it } from 'vitest';
import { measureParamsSchema, type MeasureResult } from './contract/measure';
import { phaseOf } from './params';
import {
  estimatePresetSeconds,
  expandPreset,
  jobCostSeconds,
  jobSeed,
  measuredEstimate,
  PAPER_SAMPLES,
  PRESET_IDS,
  PRESETS,
  presetById,
  spreadSubset,
  type PresetDefinition,
} from './presets';
import { limitDispersion, offDiagonalRatioOrdered, reluFiniteMomentsConstant } from './theory';

const rel = (x: number, y: number) => Math.abs(x / y - 1);

describe('preset definitions (Seleznova & Kutyniok 2022, Figs. 1, 2, 3, 7, 8)', () => {
  it('have the paper’s panels: M ∈ {100, 200, 500} at α₀ = 1 (Figs. 1, 3) or M = 200 with α₀ ∈ {2, 0.5, 0.1} (Figs. 2, 7, 8)', () => {
    expect(PRESETS.map((p) => p.id)).toEqual([...PRESET_IDS]);
    for (const id of ['fig1', 'fig3']) {
      const p = presetById(id);
      expect(p.panels.map((q) => [q.width, q.alpha0, q.inputDim])).toEqual([
        [100, 1, 100],
        [200, 1, 200],
        [500, 1, 500],
      ]);
    }
    for (const id of ['fig2', 'fig7', 'fig8']) {
      const p = presetById(id);
      expect(p.panels.map((q) => [q.width, q.alpha0, q.inputDim])).toEqual([
        [200, 2, 400],
        [200, 0.5, 100],
        [200, 0.1, 20],
      ]);
    }
    expect(new Set(presetById('fig3').series.map((s) => s.pairCos))).toEqual(new Set([0.1, 0.3, 0.5, 0.7, 0.9]));
    for (const id of ['fig7', 'fig8'])
      expect(new Set(presetById(id).series.map((s) => s.pairCos))).toEqual(new Set([0.1, 0.5, 0.9]));
    // Fig. 7 spans the three phases, Figs. 2 and 8 stay within 0.1–0.2 of the EOC
    expect(new Set(presetById('fig7').series.map((s) => s.phase))).toEqual(
      new Set(['ordered', 'edge-of-chaos', 'chaotic']),
    );
    for (const id of ['fig2', 'fig8'])
      for (const s of presetById(id).series) expect(Math.abs(s.sigmaW2 - 2)).toBeLessThanOrEqual(0.2 + 1e-12);
  });

  it('depths run from L = 2 to L = M/2 with 11 points per panel (exact sampler) or 7 (pair sampler)', () => {
    for (const p of PRESETS.filter((q) => !q.theoryOnly)) {
      for (const q of p.panels) {
        expect(q.depths[0]).toBe(2);
        expect(q.depths[q.depths.length - 1]).toBe(q.width / 2);
        expect(q.depths.length).toBe(p.sampler === 'exact-diagonal' ? 11 : 7);
        for (let k = 1; k < q.depths.length; k++) expect(q.depths[k]).toBeGreaterThan(q.depths[k - 1]);
      }
    }
  });

  it('default N: 20× the paper (10⁴) on the exact sampler; less for pairs, and the notes say so', () => {
    for (const p of PRESETS.filter((q) => !q.theoryOnly)) {
      if (p.sampler === 'exact-diagonal') {
        expect(p.defaultSamples).toBe(20 * PAPER_SAMPLES);
        expect(p.series.every((s) => s.pairCos === undefined)).toBe(true);
      } else {
        expect(p.defaultSamples).toBeLessThanOrEqual(PAPER_SAMPLES);
        expect(p.notes).toMatch(/NOT 20×/);
        expect(p.series.every((s) => s.pairCos !== undefined)).toBe(true);
      }
      expect(p.paper.length).toBeGreaterThan(40);
      expect(p.notes.length).toBeGreaterThan(40);
    }
  });

  it('a run at the default N is expected to finish in a few minutes on 2 workers (the cost model)', () => {
    for (const p of PRESETS.filter((q) => !q.theoryOnly)) {
      const s = estimatePresetSeconds(expandPreset(p).jobs, 2);
      expect(s).toBeGreaterThan(1);
      expect(s).toBeLessThan(5 * 60);
    }
    // cost ∝ N·L (exact) and ∝ N·L·M (pairs), plus a per-sample summary cost
    const a = jobCostSeconds({ depth: 100, width: 200, samples: 1000 });
    const b = jobCostSeconds({ depth: 200, width: 200, samples: 1000 });
    const c = jobCostSeconds({ depth: 100, width: 200, samples: 1000, pairCos: 0.5 });
    const d = jobCostSeconds({ depth: 100, width: 400, samples: 1000, pairCos: 0.5 });
    expect(b).toBeGreaterThan(a);
    expect(d / c).toBeGreaterThan(1.9);
    expect(c / a).toBeGreaterThan(100);
    expect(() => estimatePresetSeconds([], 0)).toThrow(RangeError);
  });
});

describe('expandPreset', () => {
  it('makes one valid MeasureParams per panel × series × depth, in that order, with the requested N', () => {
    for (const p of PRESETS) {
      const { jobs } = expandPreset(p, { samples: 1234, seed: 9 });
      const expected = p.theoryOnly ? 0 : p.panels.reduce((n, q) => n + q.depths.length, 0) * p.series.length;
      expect(jobs.length).toBe(expected);
      jobs.forEach((j, k) => {
        expect(j.index).toBe(k);
        expect(measureParamsSchema.parse(j.params)).toEqual(j.params); // already in the contract's parsed form
        expect(j.params.samples).toBe(1234);
        const panel = p.panels.find((q) => q.id === j.panelId)!;
        const series = p.series.find((s) => s.id === j.seriesId)!;
        expect(j.params).toMatchObject({
          width: panel.width,
          inputDim: panel.inputDim,
          sigmaW2: series.sigmaW2,
          depth: j.depth,
          sigmaB2: 0,
          method: 'exact',
        });
        expect(j.params.pairCos).toBe(series.pairCos);
      });
      expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
    }
  });

  it('derives each seed from the base seed and the point alone (thinning the depths keeps the remaining points’ seeds)', () => {
    const p = presetById('fig1');
    const full = expandPreset(p, { seed: 7 }).jobs;
    const thin = expandPreset(p, { seed: 7, maxDepthsPerPanel: 3 }).jobs;
    expect(thin.length).toBe(3 * 3 * p.series.length);
    for (const j of thin) expect(j.params.seed).toBe(full.find((f) => f.key === j.key)!.params.seed);
    expect(new Set(full.map((j) => j.params.seed)).size).toBe(full.length);
    expect(expandPreset(p, { seed: 8 }).jobs[0].params.seed).not.toBe(full[0].params.seed);
    expect(jobSeed(7, full[0].key)).toBe(full[0].params.seed);
    for (const j of full) expect(j.params.seed).toBeLessThan(2 ** 32);
    // thinning keeps both ends of each panel
    const depths = thin.filter((j) => j.panelId === 'M500' && j.seriesId === p.series[0].id).map((j) => j.depth);
    expect(depths).toEqual([2, 125, 250]);
    expect(spreadSubset([1, 2, 3, 4, 5], 2)).toEqual([1, 5]);
    expect(spreadSubset([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it('rejects bad options with a RangeError', () => {
    const p = presetById('fig2');
    for (const opts of [
      { samples: 2 },
      { samples: 1.5 },
      { samples: Number.NaN },
      { samples: 1e8 },
      { seed: -1 },
      { seed: 2 ** 32 },
      { maxDepthsPerPanel: 0 },
      { maxDepthsPerPanel: 2.5 },
    ]) {
      expect(() => expandPreset(p, opts)).toThrow(RangeError);
    }
    expect(() => presetById('fig4')).toThrow(RangeError);
  });
});

describe('theory curves equal the theory functions', () => {
  const check = (
    def: PresetDefinition,
    theory: (sigmaW2: number, depth: number, width: number, inputDim: number, pairCos?: number) => number | null,
  ) => {
    const { jobs, curves } = expandPreset(def);
    for (const j of jobs) {
      const want = theory(j.params.sigmaW2, j.depth, j.params.width, j.params.inputDim, j.params.pairCos);
      if (want === null) expect(j.theory).toBeNull();
      else expect(rel(j.theory!, want)).toBeLessThan(1e-12);
    }
    for (const c of curves.filter((c) => c.kind === 'theory')) {
      const panel = def.panels.find((q) => q.id === c.panelId)!;
      expect(c.xs.length).toBe(c.ys.length);
      expect(c.xs[c.xs.length - 1]).toBe(panel.depths[panel.depths.length - 1]);
      for (const sid of c.seriesIds) {
        const s = def.series.find((q) => q.id === sid)!;
        for (let k = 0; k < c.xs.length; k += 7) {
          const want = theory(s.sigmaW2, c.xs[k], panel.width, panel.inputDim, s.pairCos);
          expect(rel(c.ys[k], want!)).toBeLessThan(1e-12);
        }
      }
    }
    return { jobs, curves };
  };

  it('Fig. 1: Thm 3.1 at λ = L/M, one line per phase shared by its σ_w² values', () => {
    const { curves } = check(presetById('fig1'), (s, L, M, n0) => limitDispersion(s, L / M, n0 / M));
    const m200 = curves.filter((c) => c.panelId === 'M200');
    expect(m200.map((c) => c.seriesIds.length)).toEqual([4, 1, 3]); // 4 ordered, EOC, 3 chaotic
    expect(m200[0].ys.every((y) => y === 1)).toBe(true); // eq. (10)
  });

  it('Fig. 2 and Fig. 8: Thm 3.2 at the network’s depth, width and n₀', () => {
    check(presetById('fig2'), (s, L, M, n0) => reluFiniteMomentsConstant(s, L, M, n0).dispersion);
    check(presetById('fig8'), (s, L, M, n0) => reluFiniteMomentsConstant(s, L, M, n0).dispersion);
  });

  it('Fig. 7: Thm 3.1 (diagonal) at λ and α₀ of the panel', () => {
    const { curves } = check(presetById('fig7'), (s, L, M, n0) => limitDispersion(s, L / M, n0 / M));
    // α₀ matters only at the EOC (eq. 9): the α₀ = 2 and α₀ = 0.1 EOC curves differ, the chaotic ones do not
    const eoc = curves.filter((c) => c.id.endsWith('limit-s2'));
    expect(eoc[0].ys[99]).not.toBeCloseTo(eoc[2].ys[99], 3);
    const chaotic = curves.filter((c) => c.id.endsWith('limit-s2.5'));
    expect(chaotic[0].ys).toEqual(chaotic[2].ys);
  });

  it('Fig. 3: eq. (18) for the ordered σ_w² only, plus the Thm 3.3 band [1/4, 1] in every panel', () => {
    const { curves } = check(presetById('fig3'), (s, L, _M, _n0, c) =>
      phaseOf(s) === 'ordered' ? offDiagonalRatioOrdered(s, L, c!) : null,
    );
    for (const panel of ['M100', 'M200', 'M500']) {
      const bounds = curves.filter((c) => c.panelId === panel && c.kind === 'bound');
      expect(bounds.map((b) => b.ys[0]).sort()).toEqual([0.25, 1]);
      const eq18 = curves.filter((c) => c.panelId === panel && c.kind === 'theory');
      expect(eq18.length).toBe(2 * 5); // σ_w² ∈ {1.0, 1.8} × 5 cosines
      for (const c of eq18) expect(c.xs[0]).toBe(2);
    }
  });
});

describe('measuredEstimate', () => {
  const base: MeasureResult = {
    sigmaW2: 1,
    depth: 3,
    width: 10,
    inputDim: 10,
    sigmaB2: 0,
    samples: 10,
    samplesRequested: 10,
    seed: 1,
    method: 'exact',
    meanTheta: { estimate: 2, stderr: 0.1 },
    dispersion: { estimate: 1.2, stderr: 0.01 },
    tailShare: 0.02,
    seconds: 1,
    done: true,
  };
  it('reads the diagonal dispersion, the mean ratio (no SE in the contract) or the off-diagonal dispersion', () => {
    expect(measuredEstimate('dispersion', base)).toEqual({ estimate: 1.2, stderr: 0.01 });
    expect(measuredEstimate('offDiagonalRatio', base)).toBeNull();
    const pair = { ...base, offDiagonal: { meanRatio: 0.7, dispersion: { estimate: 1.5, stderr: 0.2 } } };
    const r = measuredEstimate('offDiagonalRatio', pair)!;
    expect(r.estimate).toBe(0.7);
    expect(Number.isNaN(r.stderr)).toBe(true);
    expect(measuredEstimate('offDiagonalDispersion', pair)).toEqual({ estimate: 1.5, stderr: 0.2 });
  });
});
