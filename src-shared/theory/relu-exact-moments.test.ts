// Exact finite-width moments of the ReLU NTK diagonal (relu-exact-moments.ts) against: Seleznova & Kutyniok 2022, eqs.
// 11–12 (E[Θ]),
// the L ≤ 2 cases where Thm 3.2 is exact, a brute-force symbolic expansion of the network recursion for tiny widths,
// a Monte Carlo of the exact sampler, and an independent continuum (M → ∞, L/M = λ) evaluation of the same
// pair-of-walks integral by divided differences.
import { describe, expect, it } from 'vitest';
import { sampleExactDiagonal } from '../../src-main/engine/exact-diagonal';
import { Rng } from '../rng';
import { reluExactMoments } from './relu-exact-moments';
import { reluFiniteMoments } from './relu-finite';
import { limitDispersion } from './relu-limit';
import { add, chiMoment, monomial, mul, type Poly } from './poly.test-util';

const rel = (x: number, y: number) => Math.abs(x / y - 1);

/**
 * E[Θ] with dead layers: eq. (11) unchanged; eq. (12)'s ‖δ_l‖² term (l < L) needs layers 1…l−1 alive
 * (docs/exact-moments.md).
 */
function meanThetaDeadAware(sigmaW2: number, widths: number[]): number {
  const a = sigmaW2 / 2,
    L = widths.length;
  let w = 0;
  for (let l = 1; l <= L; l++) w += widths[l - 1] / widths[0];
  let b = 1,
    alive = 1; // l = L: ‖δ_L‖² = 1 always
  for (let l = 1; l < L; l++) {
    if (l > 1) alive *= 1 - 2 ** -widths[l - 1];
    b += a ** (L - l) * alive;
  }
  return a ** (L - 1) * w + b;
}

describe('reluExactMoments: first moment', () => {
  it('equals Seleznova & Kutyniok 2022, eqs. 11–12 when dead layers are negligible (widths ≥ 60)', () => {
    for (const s of [0.7, 1.5, 2, 2.5, 4]) {
      for (const w of [[60], [60, 80], [100, 64, 64, 200], new Array(30).fill(128)]) {
        const e = reluExactMoments(s, w),
          t = reluFiniteMoments(s, w);
        expect(rel(e.meanTheta, t.meanTheta)).toBeLessThan(1e-12);
        expect(Math.abs(e.logMeanTheta - t.logMeanTheta)).toBeLessThan(1e-12);
      }
    }
  });

  it('eq. (11) stays exact but eq. (12) overcounts ‖δ_l‖² when a lower layer can die (tiny widths)', () => {
    for (const s of [1, 2, 3]) {
      for (const w of [
        [1, 1, 1, 1],
        [3, 2, 1, 2, 1],
        [2, 5, 1],
        [4, 4, 4, 4, 4, 4],
      ]) {
        const e = reluExactMoments(s, w);
        expect(rel(e.meanTheta, meanThetaDeadAware(s, w))).toBeLessThan(1e-13);
        expect(e.meanTheta).toBeLessThan(reluFiniteMoments(s, w).meanTheta * (1 - 1e-3)); // strictly below eqs. 11–12
      }
    }
  });
});

describe('reluExactMoments: L ≤ 2', () => {
  it('L = 1: Θ = ‖x⁰‖² + 1 = 2 deterministically', () => {
    const e = reluExactMoments(1.3, [7]);
    expect(e.meanTheta).toBeCloseTo(2, 14);
    expect(e.dispersion).toBeCloseTo(1, 14);
  });

  it('L = 2: equals Thm 3.2 (exact there, dead layer included) to 1e-12', () => {
    for (const s of [0.5, 1.5, 2, 2.5, 6]) {
      for (const w of [
        [1, 1],
        [1, 5],
        [7, 2],
        [3, 1],
        [50, 200],
        [1000, 10],
      ]) {
        const e = reluExactMoments(s, w),
          t = reluFiniteMoments(s, w);
        expect(rel(e.meanTheta, t.meanTheta)).toBeLessThan(1e-12);
        expect(rel(e.dispersion, t.dispersion)).toBeLessThan(1e-12);
      }
    }
  });
});

// --- brute force: symbolic expansion of the unnormalized network recursion (docs/exact-sampler.md) -------------
// Variables per hidden layer j: X_j = χ²_{K_j} (forward), Y_j = χ'²_{K_j−1} (backward), and Z² of the output.
// A polynomial is a map from an exponent vector (as a string key) to its coefficient.
/** E[Θ] and E[Θ²] by enumerating every active-count vector K and integrating Θ² term by term. */
function bruteForceMoments(sigmaW2: number, widths: number[]): { m1: number; m2: number } {
  const L = widths.length,
    H = L - 1; // hidden layers 1…H; variable index: X_j → j−1, Y_j → H+j−1, Z² → 2H
  const nv = 2 * H + 1;
  const X = (j: number) => j - 1,
    Y = (j: number) => H + j - 1,
    Z = 2 * H;
  // ‖x_l‖² = Π_{k≤l} (σ_w²/n_{k−1}) X_k
  const xNorm: Poly[] = [monomial(nv, 1)];
  for (let l = 1; l <= H; l++) xNorm.push(mul(xNorm[l - 1], monomial(nv, sigmaW2 / widths[l - 1], { [X(l)]: 1 })));
  // f²/‖x_l‖² = (σ_w²/n_{L−1}) Z² Π_{k=l+1}^{L−1} (σ_w²/n_{k−1}) X_k  (built as a product, no division)
  const fOver = (l: number) => {
    let p = monomial(nv, sigmaW2 / widths[L - 1], { [Z]: 1 });
    for (let k = l + 1; k <= H; k++) p = mul(p, monomial(nv, sigmaW2 / widths[k - 1], { [X(k)]: 1 }));
    return p;
  };
  // ‖δ_L‖² = 1, ‖δ_l‖² = f²/‖x_l‖² + (σ_w²/n_l)‖δ_{l+1}‖² Y_l
  const delta: Poly[] = new Array(L + 1);
  delta[L] = monomial(nv, 1);
  for (let l = H; l >= 1; l--)
    delta[l] = add(fOver(l), mul(delta[l + 1], monomial(nv, sigmaW2 / widths[l], { [Y(l)]: 1 })));
  let theta: Poly = new Map();
  for (let l = 1; l <= L; l++) theta = add(theta, mul(delta[l], add(xNorm[l - 1], monomial(nv, 1)))); // eq. (19)
  const theta2 = mul(theta, theta);

  let m1 = 0,
    m2 = 0;
  const K = new Array<number>(L).fill(0);
  const visit = (j: number, prob: number): void => {
    if (j <= H) {
      const n = widths[j];
      let c = 1; // C(n, k)
      for (let k = 0; k <= n; k++) {
        K[j] = k;
        visit(j + 1, prob * c * 2 ** -n);
        c = (c * (n - k)) / (k + 1);
      }
      return;
    }
    if (K.slice(1).some((k) => k === 0)) {
      // a dead layer: Θ = 1
      m1 += prob;
      m2 += prob;
      return;
    }
    const expect = (p: Poly) => {
      let s = 0;
      for (const [key, v] of p) {
        const e = key.split(',').map(Number);
        let m = v * chiMoment(1, e[Z]); // Z² ~ χ²₁
        for (let jj = 1; jj <= H; jj++) m *= chiMoment(K[jj], e[X(jj)]) * chiMoment(K[jj] - 1, e[Y(jj)]);
        s += m;
      }
      return s;
    };
    m1 += prob * expect(theta);
    m2 += prob * expect(theta2);
  };
  visit(1, 1);
  return { m1, m2 };
}

describe('reluExactMoments: brute force over tiny widths', () => {
  const cases: number[][] = [
    [1, 1],
    [2, 1, 1],
    [1, 2, 3],
    [3, 3, 2, 1],
    [1, 1, 1, 1],
    [2, 3, 1, 2],
    [3, 2, 2, 3],
    [1, 3],
  ];
  for (const w of cases) {
    it(`widths ${JSON.stringify(w)}: E[Θ] and E[Θ²]/E[Θ]² equal the enumeration to 1e-12`, () => {
      for (const s of [0.8, 2, 3.3]) {
        const e = reluExactMoments(s, w);
        const b = bruteForceMoments(s, w);
        expect(rel(e.meanTheta, b.m1)).toBeLessThan(1e-12);
        expect(rel(e.dispersion, b.m2 / (b.m1 * b.m1))).toBeLessThan(1e-12);
      }
    });
  }

  it('the brute force separates exact from Thm 3.2 (the test can fail)', () => {
    const b = bruteForceMoments(2, [3, 3, 2, 1]);
    expect(rel(reluFiniteMoments(2, [3, 3, 2, 1]).dispersion, b.m2 / (b.m1 * b.m1))).toBeGreaterThan(0.05);
  });
});

describe('reluExactMoments vs the exact sampler (Monte Carlo)', () => {
  // Mean of (Θ/E[Θ])² with the exact E[Θ]; SE from the sample variance of Θ². Fixed seeds. Light-tailed points
  // (E[Θ⁴]/E[Θ²]² moderate) where Thm 3.2 sits ≥ 5 SE away, so the check separates the two; the last has dead
  // layers (E[Θ] 12 % below eqs. 11–12). Deeper chaotic points (e.g. M = 20, L = 10) are too heavy-tailed for a
  // 4-SE band at N = 2·10⁵: the sample second moment runs low with an understated SE.
  const cases: { sigmaW2: number; widths: number[]; N: number; seed: number }[] = [
    { sigmaW2: 2, widths: [10, 3, 3, 10], N: 200_000, seed: 31 },
    { sigmaW2: 2, widths: [4, 4, 4], N: 200_000, seed: 32 },
    { sigmaW2: 1, widths: [2, 2, 2, 2], N: 200_000, seed: 33 },
  ];
  for (const { sigmaW2, widths, N, seed } of cases) {
    it(`σ_w² = ${sigmaW2}, widths ${JSON.stringify(widths)}: E[Θ] and E[Θ²]/E[Θ]² within 4 SE`, () => {
      const e = reluExactMoments(sigmaW2, widths);
      const theta = sampleExactDiagonal(sigmaW2, widths, N, new Rng(seed, 7));
      let s1 = 0,
        s2 = 0,
        s4 = 0;
      for (const t of theta) {
        const u = t / e.meanTheta;
        s1 += u;
        s2 += u * u;
        s4 += u ** 4;
      }
      const mean = s1 / N,
        m2 = s2 / N;
      const seMean = Math.sqrt((m2 - mean * mean) / (N - 1)),
        seM2 = Math.sqrt((s4 / N - m2 * m2) / (N - 1));
      console.info(
        `σ_w²=${sigmaW2} ${JSON.stringify(widths)}: E[Θ]/exact = ${mean.toFixed(4)} ± ${seMean.toFixed(4)}; E[Θ²]/E[Θ]² MC ${m2.toFixed(4)} ± ${seM2.toFixed(4)}, exact ${e.dispersion.toFixed(4)}, Thm 3.2 ${reluFiniteMoments(sigmaW2, widths).dispersion.toFixed(4)}`,
      );
      expect(Math.abs(mean - 1)).toBeLessThan(4 * seMean);
      expect(Math.abs(m2 - e.dispersion)).toBeLessThan(4 * seM2);
      expect(Math.abs(m2 - reluFiniteMoments(sigmaW2, widths).dispersion)).toBeGreaterThan(4 * seM2);
    });
  }
});

// --- continuum limit: M → ∞ at L/M = λ, constant width, n₀ = α₀M ---------------------------------------------
// Per layer, E[f g 1_{K≥1}] = 1 + c(f, g)/M + O(M⁻²) with c(r,r) = 5, c(r,q) = −1, c(q,q) = 1, c(1,q) = −2, c(1,r) =
// c(1,1) = 0
// (factors: r forward, q backward, 1 for a bias walk below its layer). A walk of gradient layer s ∈ [0, λ] is r below
// s,
// then q up to u (where Z² enters with density 2du) or up to λ (no Z²), then r. E[Θ²]/E[Θ]² is (1/λ²)∫∫ds₁ds₂ of the
// sum over the two walks' choices of 2^{#Z}·E[Z^{2#Z}]·exp(∫ c dt); over an ordering of the k breakpoints the
// integral of exp(Σ c_i·length_i) is λ^k·exp[λc₀, …, λc_k] (Hermite–Genocchi), the divided difference read off the
// corner of exp of the bidiagonal Opitz matrix. This shares nothing with the transfer-matrix code but the model.
const RATE: Record<string, number> = { rr: 5, rq: -1, qr: -1, qq: 1, '11': 0, '1r': 0, r1: 0, '1q': -2, q1: -2 };

/**
 * exp[x₀, …, x_k] as the (0, k) entry of exp(J), J bidiagonal (x on the diagonal, 1 above), by scaling and squaring.
 */
function divDiffExp(x: number[]): number {
  const n = x.length;
  let J = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (j === i ? x[i] : j === i + 1 ? 1 : 0)),
  );
  const norm = Math.max(...x.map(Math.abs)) + 1;
  const sq = Math.max(0, Math.ceil(Math.log2(norm / 0.25)));
  J = J.map((row) => row.map((v) => v / 2 ** sq));
  const matMul = (A: number[][], B: number[][]) =>
    A.map((row) => B[0].map((_, j) => row.reduce((s, v, k) => s + v * B[k][j], 0)));
  let E: number[][] = J.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  let term = E;
  for (let k = 1; k <= 20; k++) {
    term = matMul(term, J).map((row) => row.map((v) => v / k));
    E = E.map((row, i) => row.map((v, j) => v + term[i][j]));
  }
  for (let i = 0; i < sq; i++) E = matMul(E, E);
  return E[0][n - 1];
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** ∫∫ over both walks' layers and Z² positions for walk types t1, t2 ∈ {'W', 'b'}, with (z1, z2) Z²-choices. */
function pairIntegral(lambda: number, t1: string, z1: boolean, t2: string, z2: boolean): number {
  const names = ['s1', 's2', ...(z1 ? ['u1'] : []), ...(z2 ? ['u2'] : [])];
  const kind = (type: string, s: number, u: number, t: number) =>
    t < s ? (type === 'W' ? 'r' : '1') : t < u ? 'q' : 'r';
  let total = 0;
  for (const perm of permutations(names)) {
    const rank = (n: string) => perm.indexOf(n);
    if (z1 && rank('u1') < rank('s1')) continue;
    if (z2 && rank('u2') < rank('s2')) continue;
    const k = perm.length;
    const u1 = z1 ? rank('u1') : k + 1,
      u2 = z2 ? rank('u2') : k + 1;
    const nodes: number[] = [];
    for (let i = 0; i <= k; i++)
      nodes.push(lambda * RATE[kind(t1, rank('s1'), u1, i - 0.5) + kind(t2, rank('s2'), u2, i - 0.5)]);
    total += (z1 ? 2 : 1) * (z2 ? 2 : 1) * (z1 && z2 ? 3 : 1) * lambda ** k * divDiffExp(nodes);
  }
  return total;
}

/** Continuum limit of the exact dispersion: chaotic (Θ_W only) and EOC (Θ_W and Θ_b, weights 1/α₀ and 1). */
function continuumDispersion(lambda: number, alpha0: number): { chaotic: number; eoc: number } {
  const K = (a: string, b: string) =>
    (pairIntegral(lambda, a, false, b, false) +
      pairIntegral(lambda, a, true, b, false) +
      pairIntegral(lambda, a, false, b, true) +
      pairIntegral(lambda, a, true, b, true)) /
    lambda ** 2;
  const p = alpha0 / (1 + alpha0),
    q = 1 / (1 + alpha0);
  const ww = K('W', 'W');
  return { chaotic: ww, eoc: q * q * ww + p * q * (K('W', 'b') + K('b', 'W')) + p * p * K('b', 'b') };
}

describe('reluExactMoments as M → ∞ at fixed λ = L/M', () => {
  it('converges (error ∝ 1/M) to the independently evaluated continuum limit, chaotic and EOC', () => {
    for (const lambda of [0.25, 1]) {
      const lim = continuumDispersion(lambda, 1);
      for (const [s, want] of [
        [2.5, lim.chaotic],
        [2, lim.eoc],
      ] as const) {
        const err = (M: number) => rel(reluExactMoments(s, new Array(Math.round(lambda * M)).fill(M)).dispersion, want);
        const e1 = err(1000),
          e2 = err(10_000);
        expect(e2).toBeLessThan(e1 / 5);
        expect(e2).toBeLessThan(2e-3);
      }
    }
  });

  it('the limit agrees with Thm 3.1 to first order in λ but exceeds it at O(λ²)', () => {
    // chaotic eq. (8): 1 + 11λ/3 + O(λ²); EOC eq. (9) at α₀ = 1: 1 + 9λ/4 + O(λ²)
    const small = 1e-3,
      c = continuumDispersion(small, 1);
    expect(Math.abs((c.chaotic - 1) / small - 11 / 3)).toBeLessThan(0.02);
    expect(Math.abs((c.eoc - 1) / small - 9 / 4)).toBeLessThan(0.02);
    const big = continuumDispersion(1, 1);
    expect(big.chaotic / limitDispersion(2.5, 1, 1)).toBeGreaterThan(1.3); // 76.97 vs 55.99
    expect(big.eoc / limitDispersion(2, 1, 1)).toBeGreaterThan(1.25); // 30.51 vs 23.17
  });

  it('ordered phase: exact and Thm 3.2 both tend to 1 and agree at M = 500', () => {
    const w = new Array(250).fill(500);
    const e = reluExactMoments(1.5, w).dispersion,
      t = reluFiniteMoments(1.5, w).dispersion;
    expect(rel(e, t)).toBeLessThan(1e-4);
    expect(reluExactMoments(1.5, new Array(2500).fill(5000)).dispersion).toBeLessThan(1.0015);
  });
});

describe('reluExactMoments: range and validation', () => {
  it('stays finite where a^L and Π(1 + 5/n) overflow float64', () => {
    const deep = reluExactMoments(4, new Array(2000).fill(100)); // E[Θ] ≈ 1e605
    expect(Number.isFinite(deep.logMeanTheta)).toBe(true);
    expect(deep.meanTheta).toBe(Infinity);
    expect(deep.logMeanTheta).toBeCloseTo(reluFiniteMoments(4, new Array(2000).fill(100)).logMeanTheta, 9);
    // width 1: E[Θ²] grows ≈ 6^L and passes the 2^600 rescale near L = 233; the step ratio must not notice it
    const disp = (L: number) => reluExactMoments(2, new Array(L).fill(1)).dispersion;
    const ratios = [228, 230, 232, 234, 236, 238].map((L) => disp(L + 1) / disp(L));
    for (let i = 1; i < ratios.length; i++) {
      expect(ratios[i]).toBeLessThan(ratios[i - 1]); // slowly decreasing towards 6, no jump
      expect(ratios[i - 1] - ratios[i]).toBeLessThan(1e-5);
    }
    expect(
      rel(reluExactMoments(2, new Array(600).fill(1)).meanTheta, meanThetaDeadAware(2, new Array(600).fill(1))),
    ).toBeLessThan(1e-12);
    expect(disp(600)).toBe(Infinity); // E[Θ²]/E[Θ]² ≈ 1e467 itself exceeds float64: Infinity, never NaN
  });

  it('a subnormal σ_w² (5e−324) gives the σ_w² → 0 limit Θ = 1 (output bias only), not NaN', () => {
    // a = σ_w²/2 → 0: every term but the output bias carries a power of a, so E[Θ] → 1 and E[Θ²]/E[Θ]² → 1; at
    // σ_w² = 1e−300 those terms are already far below float64's resolution relative to 1
    for (const widths of [[3, 3], [10, 10, 10, 10, 10], new Array<number>(50).fill(4)]) {
      for (const s of [Number.MIN_VALUE, 1e-310, 1e-300]) {
        const e = reluExactMoments(s, widths);
        expect(e.meanTheta).toBeCloseTo(1, 12);
        expect(e.dispersion).toBeCloseTo(1, 12);
        expect(Number.isFinite(e.logMeanTheta)).toBe(true);
      }
    }
  });

  it('throws RangeError on bad input', () => {
    expect(() => reluExactMoments(NaN, [3, 3])).toThrow(RangeError);
    expect(() => reluExactMoments(-1, [3, 3])).toThrow(RangeError);
    expect(() => reluExactMoments(Infinity, [3, 3])).toThrow(RangeError);
    expect(() => reluExactMoments(2, [])).toThrow(RangeError);
    expect(() => reluExactMoments(2, [3, 0])).toThrow(RangeError);
    expect(() => reluExactMoments(2, [3, 2.5])).toThrow(RangeError);
    expect(() => reluExactMoments(2, [3, NaN])).toThrow(RangeError);
    expect(() => reluExactMoments(2, [3, 2 ** 31])).toThrow(RangeError);
  });
});
