// The width-profile (Fig. 6), α₀ (Fig. 5) and components presets: their jobs, and their lines against the theory
// functions evaluated independently here.
import { describe, expect, it } from 'vitest';
import type { MeasureResult } from './contract/measure';
import { expandPreset, measuredEstimate, presetById } from './presets';
import { profileWidths } from './presets-extra';
import {
  componentShares,
  limitDispersion,
  reluExactComponentMoments,
  reluExactMoments,
  reluFiniteComponentMoments,
  reluFiniteMoments,
} from './theory';

const rel = (x: number, y: number) => Math.abs(x / y - 1);

describe('Fig. 6 width profiles (App. B.2)', () => {
  it('n_ℓ = M₁ + ⌈ℓ(M₂ − M₁)/L⌉, ⌈(M₁ + M₂)/2⌉, M₂ + ⌈ℓ(M₁ − M₂)/L⌉ for ℓ < L', () => {
    expect(profileWidths({ kind: 'increasing', m1: 100, m2: 500 }, 4)).toEqual([100, 200, 300, 400]);
    expect(profileWidths({ kind: 'decreasing', m1: 100, m2: 500 }, 4)).toEqual([500, 400, 300, 200]);
    expect(profileWidths({ kind: 'constant', m1: 100, m2: 500 }, 3)).toEqual([300, 300, 300]);
    expect(profileWidths({ kind: 'increasing', m1: 100, m2: 500 }, 3)).toEqual([100, 234, 367]);
    expect(profileWidths({ kind: 'decreasing', m1: 100, m2: 500 }, 3)).toEqual([500, 367, 234]);
    expect(() => profileWidths({ kind: 'constant', m1: 100, m2: 500 }, 0)).toThrow(/depth L/);
  });

  it('jobs carry the profile (length L, n₀ = inputDim); lines are Thm 3.2 (solid) and exact (dotted)', () => {
    const def = presetById('fig6');
    const { jobs, curves } = expandPreset(def);
    expect(jobs.length).toBe(3 * 11 * 5);
    for (const j of jobs) {
      const p = def.panels.find((q) => q.id === j.panelId)!;
      expect(j.params.widths).toEqual(profileWidths(p.profile!, j.depth));
      expect(j.params.widths![0]).toBe(j.params.inputDim);
      expect(rel(j.theory!, reluFiniteMoments(j.params.sigmaW2, j.params.widths!).dispersion)).toBeLessThan(1e-12);
    }
    for (const c of curves.filter((q) => q.kind === 'alt').slice(0, 4)) {
      const p = def.panels.find((q) => q.id === c.panelId)!;
      const s = def.series.find((q) => q.id === c.seriesIds[0])!;
      for (const L of [2, 40, 150])
        expect(rel(c.ys[L - 1], reluExactMoments(s.sigmaW2, profileWidths(p.profile!, L)).dispersion)).toBeLessThan(
          1e-12,
        );
    }
  });

  it('ordered phase (σ_w² = 1.9): the increasing profile peaks and falls, the decreasing one rises', () => {
    const { curves } = expandPreset(presetById('fig6'));
    const ys = (id: string) => curves.find((c) => c.id === id)!.ys;
    const inc = ys('increasing/thm32-s1.9'),
      dec = ys('decreasing/thm32-s1.9');
    const peak = inc.indexOf(Math.max(...inc));
    expect(peak).toBeGreaterThan(5);
    expect(peak).toBeLessThan(75);
    expect(inc[149]).toBeLessThan(inc[peak] - 0.05);
    // only rises, up to the ⌈·⌉ rounding of the profile as L changes (wiggles < 1e-4 relative)
    for (let k = 1; k < dec.length; k++) expect(dec[k]).toBeGreaterThan(dec[k - 1] * (1 - 1e-4));
    expect(dec[149]).toBeGreaterThan(dec[29] + 0.2);
  });
});

describe('Fig. 5: EOC limit vs α₀ (theory only)', () => {
  it('no jobs; lines are eq. (9) per α₀ and eq. (8), the α₀ → 0 EOC line approaching the chaotic one', () => {
    const def = presetById('fig5');
    const { jobs, curves } = expandPreset(def);
    expect(jobs).toEqual([]);
    for (const c of curves) {
      const s = def.series.find((q) => q.id === c.seriesIds[0])!;
      for (const L of [1, 37, 100])
        expect(rel(c.ys[L - 1], limitDispersion(s.sigmaW2, L / 100, s.alpha0 ?? 1))).toBe(0);
    }
    const at = (id: string) => curves.find((c) => c.id === `limit/limit-${id}`)!.ys[99];
    expect(at('a1')).toBeLessThan(at('a0.5'));
    expect(at('a0.5')).toBeLessThan(at('a0.1'));
    expect(at('a0.1')).toBeLessThan(at('s2.5')); // chaotic uppermost (App. B.1)
    expect(rel(limitDispersion(2, 1, 1e-6), at('s2.5'))).toBeLessThan(1e-4); // Remark 1
  });
});

describe('components preset', () => {
  it('jobs ask for components and name their panel’s share; lines are Thm 3.2 (solid) and exact (dotted) shares', () => {
    const def = presetById('components');
    const { jobs, curves } = expandPreset(def);
    expect(jobs.length).toBe(4 * 11 * 3);
    for (const j of jobs) {
      const p = def.panels.find((q) => q.id === j.panelId)!;
      expect(j.params.components).toBe(true);
      expect(j.component).toBe(p.component);
      const w = [j.params.inputDim, ...new Array(j.depth - 1).fill(j.params.width)];
      expect(
        rel(j.theory!, componentShares(reluFiniteComponentMoments(j.params.sigmaW2, w))[p.component!]),
      ).toBeLessThan(1e-12);
    }
    const alt = curves.find((c) => c.id === 'secondW/exact-s2.5')!;
    const w = [100, ...new Array(29).fill(100)];
    expect(rel(alt.ys[29], componentShares(reluExactComponentMoments(2.5, w)).secondW)).toBeLessThan(1e-12);
  });

  it('the numbers show Θ_W dominating the chaotic phase and Θ_b the ordered one (L = 50, M = 100)', () => {
    const { curves } = expandPreset(presetById('components'));
    const last = (id: string) => curves.find((c) => c.id === id)!.ys[49];
    expect(last('meanW/exact-s2.5')).toBeGreaterThan(0.9);
    expect(last('secondW/exact-s2.5')).toBeGreaterThan(0.85);
    expect(last('meanW/exact-s1.5')).toBeLessThan(1e-3);
    expect(last('secondB/exact-s1.5')).toBeGreaterThan(0.999);
    expect(last('meanW/exact-s2')).toBeCloseTo(0.5, 12); // EOC, α₀ = 1: E[Θ_W] = E[Θ_b] = L (thesis, eq. 31, 33)
  });

  it('measuredEstimate reads the job’s share', () => {
    const e = (v: number) => ({ estimate: v, stderr: 0.01 });
    const r = {
      components: {
        meanW: e(1),
        meanB: e(2),
        meanW2: e(3),
        meanB2: e(4),
        meanWB: e(5),
        shares: { meanW: e(0.3), secondW: e(0.2), secondB: e(0.5), secondWB: e(0.3) },
      },
    } as unknown as MeasureResult;
    expect(measuredEstimate('componentShare', r, { component: 'secondB' })).toEqual(e(0.5));
    expect(measuredEstimate('componentShare', r)).toBeNull();
  });
});

describe('Figs. 9 and 10 (thesis appendix): Figs. 1 and 2 with continuous error bars', () => {
  it('run the same jobs (keys, seeds) with the same lines, drawn as a ±SE band', () => {
    for (const [band, of] of [
      ['fig9', 'fig1'],
      ['fig10', 'fig2'],
    ]) {
      const a = expandPreset(presetById(band), { seed: 3 }),
        b = expandPreset(presetById(of), { seed: 3 });
      expect(a.jobs).toEqual(b.jobs);
      expect(a.curves).toEqual(b.curves);
      expect(presetById(band).errorStyle).toBe('band');
      expect(presetById(of).errorStyle).toBeUndefined();
    }
  });
});
