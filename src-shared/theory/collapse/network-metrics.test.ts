// Network-mode read-outs (thesis §3.3): block averages, label alignment and NC metrics against hand-computed tiny cases
// and independent formulas (the thesis code's form of the invariant, eq. 2.63 by hand).
import { describe, expect, it } from 'vitest';
import { blockAverages, labelAlignment, networkCollapse } from './network-metrics';

/** κ_d I + κ_c (YᵀY − I) + κ_n (11ᵀ − YᵀY) for the given labels (Seleznova et al. 2023, Table 1 matrix form). */
function blockKernel(labels: number[], kd: number, kc: number, kn: number): Float64Array {
  const N = labels.length;
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) K[i * N + j] = i === j ? kd : labels[i] === labels[j] ? kc : kn;
  return K;
}

describe('blockAverages (Def. 3.1)', () => {
  it('recovers (κ_d, κ_c, κ_n) of a synthetic block-structured kernel exactly, in any sample order', () => {
    const labels = [2, 0, 1, 1, 0, 2, 2, 1, 0, 0, 1, 2]; // C = 3, m = 4, shuffled
    const s = blockAverages(blockKernel(labels, 1.75, 0.5, -0.25), labels);
    expect(s).toEqual({ d: 1.75, c: 0.5, n: -0.25 }); // dyadic values: every partial sum is exact
  });

  it('a kernel summed over `count` outputs gives the per-output mean', () => {
    const labels = [0, 0, 0, 1, 1, 1];
    const a = blockKernel(labels, 3, 1, 0.5);
    const b = blockKernel(labels, 1, 0.5, 0.25);
    const sum = a.map((v, i) => v + b[i]);
    const s = blockAverages(sum, labels, 2);
    expect(s.d).toBeCloseTo(2, 14);
    expect(s.c).toBeCloseTo(0.75, 14);
    expect(s.n).toBeCloseTo(0.375, 14);
    expect(() => blockAverages(sum, labels, 0)).toThrow(/count/);
  });
});

describe('labelAlignment (thesis eq. 2.63)', () => {
  it('is 1 for K ∝ YᵀY and 1/√m for K = I (C classes of m)', () => {
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    expect(labelAlignment(blockKernel(labels, 2.5, 2.5, 0), labels)).toBeCloseTo(1, 14);
    // ⟨I, YᵀY⟩ = N, ‖I‖ = √N, ‖YᵀY‖ = √(C m²) ⇒ N/√(N·C·m²) = 1/√m
    expect(labelAlignment(blockKernel(labels, 1, 0, 0), labels)).toBeCloseTo(1 / 2, 14);
  });
});

describe('networkCollapse: NC metrics of features, classifier and bias (thesis code definitions)', () => {
  // C = 2, m = 2, n = 2: class 0 at (1, 0), (3, 0); class 1 at (0, 1), (0, 3); W = I, b = 0.
  const H = [1, 3, 0, 0, 0, 0, 1, 3]; // n × N, row f = feature f over the samples
  const W = [1, 0, 0, 1];
  const b = [0, 0];
  const sizes = { classes: 2, perClass: 2, features: 2 };
  const kappa = { kappaD: 1, kappaC: 0.5, kappaN: 0.1 };
  const r = networkCollapse(H, W, b, sizes, kappa);

  it('NC1 = mean within-class per-feature std; NC2 = 0 for antipodal class means; NC3 by hand', () => {
    // per-class, per-feature std (population): class 0 → (1, 0), class 1 → (0, 1): mean 0.5
    expect(r.nc1).toBeCloseTo(0.5, 14);
    // centred means (1, −1), (−1, 1): MᵀM/‖·‖ = [[.5, −.5], [−.5, .5]] = (I − 11ᵀ/2)/√1
    expect(r.nc2).toBeCloseTo(0, 14);
    // M/‖M‖ = [[1, −1], [−1, 1]]/2 (feature × class), Wᵀ/‖W‖ = I/√2
    expect(r.nc3).toBeCloseTo(Math.sqrt(2 * (0.5 - Math.SQRT1_2) ** 2 + 2 * 0.25), 14);
    // H₂H₂ᵀ = (1/m) Σ deviations² = I ⇒ ‖H₂‖_F = √2; ⟨h⟩ = (1, 1)
    expect(r.h2Norm).toBeCloseTo(Math.SQRT2, 14);
    expect(r.meanFeatureNorm).toBeCloseTo(Math.SQRT2, 14);
  });

  it('the residual R = WH + b1ᵀ − Y splits into global, class and single parts by hand', () => {
    // R = [[0, 2, 0, 0], [0, 0, 0, 2]]: global means 0.5, class-mean deviations ±0.5, within-class ±1
    expect(r.residual.global).toBeCloseTo(Math.SQRT2, 14);
    expect(r.residual.class).toBeCloseTo(Math.SQRT2, 14);
    expect(r.residual.single).toBeCloseTo(2, 14);
    expect(r.loss).toBeCloseTo(4, 14); // ½‖R‖² = ½ · 8
  });

  it('invariant alignment equals the thesis code form WᵀW vs (m/μ_c)H₁H₁ᵀ + (1/μ_s)H₂′H₂′ᵀ − (αC²m/μ_c)⟨h⟩⟨h⟩ᵀ', () => {
    const m = 2,
      C = 2;
    const muS = kappa.kappaD - kappa.kappaC;
    const muC = muS + m * (kappa.kappaC - kappa.kappaN);
    const alpha = (kappa.kappaN * m) / (muC + C * kappa.kappaN * m);
    // H₁H₁ᵀ = diag(4, 4), H₂′H₂′ᵀ = m·I, ⟨h⟩⟨h⟩ᵀ = 11ᵀ; WᵀW = I
    const rhs = (i: number, j: number) =>
      (m / muC) * (i === j ? 4 : 0) + (1 / muS) * (i === j ? m : 0) - ((alpha * C * C * m) / muC) * 1;
    let dot = 0,
      norm = 0;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        dot += (i === j ? 1 : 0) * rhs(i, j);
        norm += rhs(i, j) ** 2;
      }
    expect(r.invariantAlignment).toBeCloseTo(dot / (Math.SQRT2 * Math.sqrt(norm)), 13);
    expect(r.invariantRelative).toBeGreaterThan(0);
  });

  it('no invariant when the measured κ are not block-structured (μ_class ≤ 0); bad sizes are named', () => {
    const flat = networkCollapse(H, W, b, sizes, { kappaD: 1, kappaC: 0.1, kappaN: 0.9 });
    expect(flat.invariantAlignment).toBeNull();
    expect(flat.invariantRelative).toBeNull();
    expect(flat.nc1).toBeCloseTo(0.5, 14);
    expect(() => networkCollapse(H.slice(1), W, b, sizes, kappa)).toThrow(/features/);
    expect(() => networkCollapse(H, W.slice(1), b, sizes, kappa)).toThrow(/W/);
    expect(() => networkCollapse(H, W, [0], sizes, kappa)).toThrow(/b:/);
  });
});
