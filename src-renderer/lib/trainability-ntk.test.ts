import { describe, expect, it } from 'vitest';
import {
  criticalSigmaW2,
  equicorrelatedGram,
  kernelRecursion,
  ntkSpectrum,
  pairRecursion,
} from '../../src-shared/theory/meanfield';
import { QUADRATURE_Q_MAX, asymptoteRows, etaRows, ntkAlongDepth, spectrumRows } from './trainability-ntk';
import { run } from './trainability.test-util';

describe('NTK along depth', () => {
  it('linear φ, σ_b² = 0: Θ⁽ᴸ⁾ = L·σ_w^{2(L−1)}·K⁽¹⁾ exactly', () => {
    const s = 1.3;
    const c0 = 0.4;
    const curve = run(ntkAlongDepth('linear', s, 0, c0, 30));
    for (const l of curve.layers) {
      const f = l.depth * s ** (l.depth - 1);
      expect(l.p / (f * s)).toBeCloseTo(1, 12);
      expect(l.pab / (f * s * c0)).toBeCloseTo(1, 12);
    }
    // η_theory = 2B/λ_max with λ_max = p + (B − 1)p_ab
    const B = 16;
    const eta = etaRows(curve, B);
    eta.forEach((r) => {
      const f = r.depth * s ** (r.depth - 1);
      expect(r.eta / ((2 * B) / (f * s * (1 + (B - 1) * c0)))).toBeCloseTo(1, 12);
    });
  });

  it('tanh, chaotic: the Mehler-series shortcut equals the 2-D quadrature of pairRecursion', () => {
    const [sW, sB, c0, L] = [3, 0.05, 0.5, 25];
    const curve = run(ntkAlongDepth('tanh', sW, sB, c0, L));
    const ref = pairRecursion('tanh', sW, sB, sW + sB, (sW * c0 + sB) / (sW + sB), L - 1);
    for (let l = 0; l < L; l++) {
      const a = curve.layers[l];
      const b = ref.steps[l];
      expect(Math.abs(a.pab / b.pab - 1)).toBeLessThan(1e-10);
      expect(Math.abs(a.p / b.p - 1)).toBeLessThan(1e-12);
    }
  });

  it('GELU without a fixed point: stops (and says where) instead of running 2-D quadrature on every layer', () => {
    // how long this takes is measured by `npm run bench` (mean-field theory), not here
    const curve = run(ntkAlongDepth('gelu', 3, 0.05, 0.5, 100));
    expect(curve.layers.length).toBeLessThan(100);
    expect(curve.stoppedAt).toBe(curve.layers.length + 1);
    expect(curve.layers[curve.layers.length - 1].q).toBeLessThanOrEqual(QUADRATURE_Q_MAX * 10);
    expect(curve.layers[curve.layers.length - 1].q).toBeGreaterThan(QUADRATURE_Q_MAX / 10);
  });

  it('equals kernelRecursion on the full m×m Gram matrix (ReLU, σ_b² > 0) and its Jacobi spectrum', () => {
    const [sW, sB, c0, m, L] = [1.7, 0.2, 0.3, 5, 12];
    const curve = run(ntkAlongDepth('relu', sW, sB, c0, L));
    const k1 = equicorrelatedGram(m, sW + sB, sW * c0 + sB);
    const full = kernelRecursion({ activation: 'relu', sigmaW2: sW, sigmaB2: sB, gram0: k1, m, depth: L - 1 });
    const last = curve.layers[L - 1];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) expect(full.theta[i * m + j] / (i === j ? last.p : last.pab)).toBeCloseTo(1, 12);
    }
    const s = ntkSpectrum(full.theta, m);
    const row = spectrumRows(curve, m)[L - 1];
    expect(row.lambdaMax / s.lambdaMax).toBeCloseTo(1, 10);
    expect(row.bulk / s.lambdaRest).toBeCloseTo(1, 10);
  });

  it('critical ReLU: κ → (m+3)/3 with an O(1/L) gap (Xiao et al. 2020, eq. 46); λ_max matches Table 1 to leading order', () => {
    const m = 12;
    const curve = run(ntkAlongDepth('relu', 2, 0, 0.5, 4000));
    const at = (L: number) => spectrumRows({ layers: [curve.layers[L - 1]], beyondFloat64At: null }, m)[0];
    const gap = (L: number) => (at(L).kappa as number) - (m + 3) / 3;
    expect(gap(1000)).toBeGreaterThan(0);
    expect(gap(4000)).toBeLessThan(0.03);
    expect(gap(1000) / gap(4000)).toBeGreaterThan(3); // ~ 1/L: quadrupling L cuts the gap ~4×
    expect(gap(1000) / gap(4000)).toBeLessThan(5);
    const asym = asymptoteRows('relu', 2, 0, m, [4000])![0];
    expect(asym.kappa).toBeCloseTo((m + 3) / 3, 12);
    expect(at(4000).lambdaMax / asym.lambdaMax).toBeCloseTo(1, 2);
  });

  it('critical erf: κ → (m+2)/2 (Table 1, smooth φ)', () => {
    const m = 12;
    const crit = criticalSigmaW2('erf', 0.1849);
    if (crit.kind !== 'found') throw new Error(crit.reason);
    const curve = run(ntkAlongDepth('erf', crit.sigmaW2, 0.1849, 0.5, 3000));
    const kappa = spectrumRows({ layers: [curve.layers[2999]], beyondFloat64At: null }, m)[0].kappa as number;
    expect(Math.abs(kappa - (m + 2) / 2)).toBeLessThan(0.05);
  });

  it('ordered ReLU with σ_b² > 0: λ_max → m·p*, p* = q*/(1 − χ₁) (Xiao et al. 2020, eq. 18)', () => {
    const [sW, sB, m] = [1.5, 0.3, 8];
    const qStar = sB / (1 - sW / 2);
    const pStar = qStar / (1 - sW / 2);
    const curve = run(ntkAlongDepth('relu', sW, sB, 0.2, 300));
    // 1e-7, not 1e-15: the arc-cosine 𝒯̇ loses digits at c → 1 (acos(1 − δ) ≈ √(2δ), δ ~ 1e-16 gives ~1e-8)
    expect(spectrumRows(curve, m)[299].lambdaMax / (m * pStar)).toBeCloseTo(1, 6);
    expect(asymptoteRows('relu', sW, sB, m, [300])![0].lambdaMax / (m * pStar)).toBeCloseTo(1, 12);
  });

  it('stops before float64 overflows (deep chaotic) and has no asymptotes without a finite fixed point', () => {
    const curve = run(ntkAlongDepth('relu', 4, 0, 0.5, 5000));
    expect(curve.beyondFloat64At).not.toBeNull();
    expect(curve.layers.length).toBe((curve.beyondFloat64At as number) - 1);
    for (const l of curve.layers) expect(Number.isFinite(l.p) && Number.isFinite(l.pab)).toBe(true);
    expect(asymptoteRows('relu', 4, 0, 8, [10])).toBeNull();
    expect(() => run(ntkAlongDepth('relu', 2, 0, 1.5, 10))).toThrow(RangeError);
    expect(() => run(ntkAlongDepth('relu', 2, 0, 0.5, 0))).toThrow(RangeError);
    expect(() => spectrumRows(curve, 1)).toThrow(RangeError);
    expect(() => etaRows(curve, 0)).toThrow(RangeError);
  });
});
