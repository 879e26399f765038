import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { reluFiniteMoments, reluFiniteMomentsConstant, type ReluMoments } from './relu-finite';
import { limitDispersion } from './relu-limit';

const rel = (x: number, y: number) => Math.abs(x / y - 1);

/**
 * Thm 3.2 written out term by term as O(L²) double sums (Seleznova & Kutyniok 2022, eqs. 11, 12, 14, 15 and the Lemma
 * A.5 proof
 * for eq. 13), unnormalized; only for small L and moderate a where nothing overflows.
 * variant 'printed' is eq. (13) exactly as printed in Seleznova & Kutyniok 2022: X_(1,L)[Σ r² + Σ_{ℓ1<ℓ2} r r
 * C_(ℓ1,ℓ2)/X_(ℓ1,ℓ2)].
 */
function naiveMoments(sigmaW2: number, n: ArrayLike<number>, variant: 'proof' | 'printed' = 'proof') {
  const a = sigmaW2 / 2,
    L = n.length;
  const r = (l: number) => n[l - 1] / n[0];
  // prefix products so that X_(i,j) = px[j]/px[i], C_(i,j) = pc[j]/pc[i] (k runs over 1 … L−1)
  const px = [1, 1],
    pc = [1, 1];
  for (let k = 1; k < L; k++) {
    px.push(px[k] * (1 + 5 / n[k]));
    pc.push(pc[k] * (1 + 1 / n[k]));
  }
  const X = (i: number, j: number) => px[j] / px[i];
  const C = (i: number, j: number) => pc[j] / pc[i];
  let sumR = 0,
    EB = 0,
    sq = 0,
    cross = 0,
    b2 = 0,
    wb = 0;
  for (let l = 1; l <= L; l++) {
    sumR += r(l);
    EB += a ** (L - l); // eq. (12)
    sq += r(l) ** 2;
    b2 += X(l, L) / a ** (2 * l); // eq. (14), first sum
    wb += (r(l) * X(l, L)) / a ** l; // eq. (15), first sum
    for (let l2 = l + 1; l2 <= L; l2++) {
      cross +=
        variant === 'proof'
          ? 2 * r(l) * r(l2) * X(1, l) * C(l, l2) * X(l2, L)
          : (r(l) * r(l2) * X(1, L) * C(l, l2)) / X(l, l2);
      b2 += (2 * X(l2, L)) / a ** (l + l2);
      wb += (X(l2, L) / a ** l) * r(l) * ((r(l2) / r(l)) * C(l, l2) + a ** l / a ** l2);
    }
  }
  const EW = a ** (L - 1) * sumR; // eq. (11)
  const W2 = a ** (2 * (L - 1)) * (X(1, L) * sq + cross); // eq. (13)
  const B2 = a ** (2 * L) * b2;
  const WB = a ** (2 * L - 1) * wb;
  return {
    EW,
    EB,
    W2,
    B2,
    WB,
    dispersion: (W2 + 2 * WB + B2) / (EW + EB) ** 2,
    dispersionW: W2 / EW ** 2,
    dispersionB: B2 / EB ** 2,
  };
}

function expectFinite(m: ReluMoments) {
  for (const [k, v] of Object.entries(m)) {
    if (k === 'meanTheta' || k === 'meanThetaW' || k === 'meanThetaB') expect(Number.isNaN(v), k).toBe(false);
    else expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
  }
}

describe('E[Θ] (Seleznova & Kutyniok 2022, eqs. 11, 12)', () => {
  it('matches the per-layer sums and the constant-width closed forms (eqs. 31, 33)', () => {
    for (const sigmaW2 of [0.5, 1.3, 2, 2.2, 4]) {
      for (const [L, M, n0] of [
        [1, 7, 3],
        [2, 10, 10],
        [17, 40, 13],
        [300, 200, 600],
      ]) {
        const a = sigmaW2 / 2;
        const m = reluFiniteMomentsConstant(sigmaW2, L, M, n0);
        let eb = 0,
          ew = 0;
        for (let l = 1; l <= L; l++) {
          eb += a ** (L - l);
          ew += (l === 1 ? n0 : M) / n0;
        }
        ew *= a ** (L - 1);
        expect(rel(m.meanThetaB, eb)).toBeLessThan(1e-12);
        expect(rel(m.meanThetaW, ew)).toBeLessThan(1e-12);
        const closedB = a === 1 ? L : (a ** L - 1) / (a - 1);
        expect(rel(m.meanThetaB, closedB)).toBeLessThan(1e-12);
        expect(rel(m.meanThetaW, a ** (L - 1) * (1 + (M / n0) * (L - 1)))).toBeLessThan(1e-12);
        expect(rel(m.meanTheta, ew + eb)).toBeLessThan(1e-12);
        expect(Math.abs(m.logMeanTheta - Math.log(ew + eb))).toBeLessThan(1e-12);
      }
    }
  });

  it('reports ln E[Θ] where E[Θ] itself exceeds float64', () => {
    // σ_w² = 4 (a = 2), L = 15 000: E[Θ] ≈ 2^14999 (1 + (L−1)M/n₀) + 2^15000
    const m = reluFiniteMomentsConstant(4, 15_000, 10_000, 10_000);
    const expected = 14_999 * Math.LN2 + Math.log(1 + 14_999 + 2);
    expect(Math.abs(m.logMeanTheta - expected)).toBeLessThan(1e-9);
    expect(m.meanTheta).toBe(Infinity);
    expect(Number.isFinite(m.dispersion)).toBe(true);
  });
});

describe('second moments (Seleznova & Kutyniok 2022, eqs. 13–15)', () => {
  it('the O(L) recurrence equals the O(L²) double sums for random width profiles', () => {
    const rng = new Rng(2024);
    let worst = 0;
    for (let trial = 0; trial < 40; trial++) {
      const L = 1 + (rng.nextU32() % 60);
      const widths = Array.from({ length: L }, () => 1 + (rng.nextU32() % 400));
      const sigmaW2 = 0.5 + 3.5 * rng.uniform();
      const m = reluFiniteMoments(sigmaW2, widths),
        v = naiveMoments(sigmaW2, widths);
      for (const [x, y] of [
        [m.meanThetaW, v.EW],
        [m.meanThetaB, v.EB],
        [m.dispersion, v.dispersion],
        [m.dispersionW, v.dispersionW],
        [m.dispersionB, v.dispersionB],
      ]) {
        worst = Math.max(worst, rel(x, y));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('constant width: equals the closed forms in the proofs of Lemmas A.5 (with its factor 2) and A.6', () => {
    for (const [a, L, M, n0] of [
      [0.9, 50, 40, 20],
      [1, 37, 25, 25],
      [1.3, 60, 30, 45],
      [1.6, 9, 12, 3],
    ]) {
      const x = 1 + 5 / M,
        y = 1 + 1 / M,
        p = a ** (2 * (L - 1));
      const sumSq = p * x ** (L - 1) * (((M * M) / (n0 * n0)) * (L - 1) + 1);
      const sumCross =
        p * (M ** 4 / (16 * n0 * n0)) * ((L - 2) * y * x ** L - (L - 1) * y * y * x ** (L - 1) + x * y ** L) +
        p * ((M * M) / (4 * n0)) * (y * x ** (L - 1) - y ** L);
      const eW = a ** (L - 1) * (1 + (M / n0) * (L - 1));
      const m = reluFiniteMomentsConstant(2 * a, L, M, n0);
      // E[Θ_W²] = Σ E[θ_ℓ²] + 2 Σ_{ℓ1<ℓ2} E[θ_ℓ1 θ_ℓ2]
      expect(rel(m.dispersionW, (sumSq + 2 * sumCross) / eW ** 2)).toBeLessThan(1e-11);
      const eB = a === 1 ? L : (a ** L - 1) / (a - 1);
      const b2 =
        a === 1
          ? (x ** L - 1) / (x - 1) + (2 / (x - 1)) * ((x ** L - x) / (x - 1) - L + 1)
          : ((a ** (2 * L) * x ** L - 1) / (a * a * x - 1)) * ((a * x + 1) / (a * x - 1)) -
            (2 / (a * x - 1)) * ((a ** L - 1) / (a - 1));
      expect(rel(m.dispersionB, b2 / eB ** 2)).toBeLessThan(1e-11);
    }
  });

  it('L = 1: Θ = ‖x⁰‖² + 1 = 2 is deterministic', () => {
    for (const s of [0.5, 2, 4]) {
      const m = reluFiniteMoments(s, [37]);
      expect(m.meanTheta).toBe(2);
      expect(m.dispersion).toBe(1);
      expect(m.dispersionW).toBe(1);
      expect(m.dispersionB).toBe(1);
    }
  });

  it('L = 2: equals the exact moments of Θ = 2‖δ¹‖² + ‖x¹‖² + 1 (binomial mixture of chi-squares)', () => {
    // h¹ ~ N(0, σ²/n₀ I) (‖x⁰‖ = 1), W² ~ N(0, σ²/n₁). With K ~ Bin(n₁, ½) active units,
    // ‖x¹‖² = (σ²/n₀) χ²_K and ‖δ¹‖² = (σ²/n₁) χ'²_K, independent given K; E[χ²_K] = K, E[χ⁴_K] = K² + 2K.
    for (const [s, n0, n1] of [
      [1, 5, 3],
      [2, 10, 10],
      [3.2, 2, 30],
      [0.7, 40, 7],
    ]) {
      const EK = n1 / 2,
        EK2 = n1 / 4 + (n1 * n1) / 4;
      const sd = s / n1,
        sx = s / n0;
      const ED = sd * EK,
        EX = sx * EK,
        ED2 = sd * sd * (EK2 + 2 * EK),
        EX2 = sx * sx * (EK2 + 2 * EK),
        EDX = sd * sx * EK2;
      const mean = 2 * ED + EX + 1;
      const second = 4 * ED2 + EX2 + 1 + 4 * EDX + 4 * ED + 2 * EX;
      const m = reluFiniteMoments(s, [n0, n1]);
      expect(rel(m.meanTheta, mean)).toBeLessThan(1e-14);
      expect(rel(m.dispersion, second / mean ** 2)).toBeLessThan(1e-14);
      // eq. (13) as printed (no factor 2 on the cross-layer sum) is already wrong here, by a²(n₁/n₀)(1 + 1/n₁)/E[Θ]²
      const printedGap = naiveMoments(s, [n0, n1], 'printed').dispersion - second / mean ** 2;
      expect(rel(-printedGap, ((s / 2) ** 2 * (n1 / n0) * (1 + 1 / n1)) / mean ** 2)).toBeLessThan(1e-12);
    }
  });
});

describe('finite width → Thm 3.1 limit as M → ∞ at fixed λ', () => {
  it('reproduces the digest table (Seleznova 2024 (thesis) digest §2.4) for the proof-consistent eq. (13)', () => {
    const table: [number, number, number, number][] = [
      [500, 250, 1.0, 3.8547],
      [1000, 500, 1.0, 3.8831],
      [1000, 500, 1.5, 6.8291],
      [500, 500, 1.0, 22.557],
      [1000, 1000, 1.0, 22.859],
      [1000, 1000, 1.1, 54.73],
    ];
    for (const [M, L, a, want] of table)
      expect(rel(reluFiniteMomentsConstant(2 * a, L, M, M).dispersion, want)).toBeLessThan(6e-5);
  });

  it('the gap closes like 1/M (M = 250 … 8000) for a = 0.8, 1, 1.5 and λ = 0.5, 1', () => {
    for (const lambda of [0.5, 1]) {
      for (const a of [0.8, 1, 1.5]) {
        for (const alpha0 of [1, 0.5]) {
          const limit = limitDispersion(2 * a, lambda, alpha0);
          const scaledGap = (M: number) =>
            M *
            (reluFiniteMomentsConstant(2 * a, Math.round(lambda * M), M, Math.round(alpha0 * M)).dispersion / limit -
              1);
          const g = [250, 1000, 4000, 8000].map(scaledGap);
          // M·gap settles to a constant (|c| ≈ 7–18 here): O(1/M) convergence with a small O(1/M²) remainder
          expect(Math.abs(g[3] - g[2])).toBeLessThan(0.01 * Math.abs(g[3]));
          expect(Math.abs(g[3] - g[1])).toBeLessThan(0.05 * Math.abs(g[3]));
          expect(Math.abs(g[3] / 8000)).toBeLessThan(0.0025);
        }
      }
    }
  });

  it('eq. (13) as printed does not converge to the limit', () => {
    // λ = 1, a = 1 (EOC), α₀ = 1: proof-consistent 22.86 → 23.17; printed stays far below
    const M = 1000,
      widths = new Array<number>(M).fill(M);
    const limit = limitDispersion(2, 1, 1);
    expect(rel(naiveMoments(2, widths, 'proof').dispersion, limit)).toBeLessThan(0.02);
    expect(rel(naiveMoments(2, widths, 'printed').dispersion, limit)).toBeGreaterThan(0.25);
  });

  it('ordered phase: deep plateau (1 − a²)/(1 − a²(1 + 5/M)) at finite M, → 1 as M → ∞', () => {
    // L → ∞ at fixed M with a²(1 + 5/M) < 1: Θ_W terms vanish, E[Θ_b] → 1/(1−a), E[Θ_b²] → (1+a)/((1−a)(1−a²x)) (eq.
    // 14)
    for (const [s, M] of [
      [1.8, 200],
      [1.0, 50],
      [1.5, 1000],
      [0.5, 3],
    ]) {
      const a = s / 2,
        plateau = (1 - a * a) / (1 - a * a * (1 + 5 / M));
      const m = reluFiniteMomentsConstant(s, 20_000, M, M);
      expect(rel(m.dispersion, plateau)).toBeLessThan(1e-10);
    }
    expect(rel((1 - 0.81) / (1 - 0.81 * (1 + 5 / 200)), 1.1193)).toBeLessThan(1e-4); // digest's example value
  });
});

describe('overflow safety and input validation', () => {
  it('all outputs finite (E[Θ] only as log) for σ_w² ∈ [0.5, 4], λ ∈ [0, 1.5], M ∈ {1, 10, 500, 10⁴}, α₀ ∈ {0.1, 1, 10}', () => {
    for (const M of [1, 10, 500, 10_000]) {
      for (const alpha0 of [0.1, 1, 10]) {
        for (const s of [0.5, 1.99, 2, 2.01, 4]) {
          for (const lambda of [0, 0.75, 1.5]) {
            const L = Math.max(1, Math.round(lambda * M)),
              n0 = Math.max(1, Math.round(alpha0 * M));
            const m = reluFiniteMomentsConstant(s, L, M, n0);
            expectFinite(m);
            expect(m.dispersion).toBeGreaterThanOrEqual(1 - 1e-12);
            expect(Number.isFinite(m.meanTheta)).toBe(m.logMeanTheta < Math.log(Number.MAX_VALUE));
          }
        }
      }
    }
  });

  it('rescaled path (X_(1,L) > 2^600) agrees with a log-space double sum', () => {
    // widths [3, 2, 2, …]: X_(1,L) = 3.5^{L−1}; every term below is a log, so nothing overflows in the reference
    const L = 360,
      widths = [3, ...new Array<number>(L - 1).fill(2)];
    for (const s of [1.2, 2, 3]) {
      const a = s / 2,
        lnA = Math.log(a);
      const lnX = (i: number, j: number) => (j - i) * Math.log(3.5); // i ≥ 1
      const lnC = (i: number, j: number) => (j - i) * Math.log(1.5);
      const lnr = (l: number) => Math.log(widths[l - 1] / widths[0]);
      const terms = {
        w2: [] as number[],
        b2: [] as number[],
        wb: [] as number[],
        ew: [] as number[],
        eb: [] as number[],
      };
      for (let l = 1; l <= L; l++) {
        terms.ew.push((L - 1) * lnA + lnr(l));
        terms.eb.push((L - l) * lnA);
        terms.w2.push(2 * (L - 1) * lnA + lnX(1, L) + 2 * lnr(l));
        terms.b2.push(2 * (L - l) * lnA + lnX(l, L));
        terms.wb.push((2 * L - l - 1) * lnA + lnr(l) + lnX(l, L));
        for (let l2 = l + 1; l2 <= L; l2++) {
          terms.w2.push(Math.LN2 + 2 * (L - 1) * lnA + lnr(l) + lnr(l2) + lnX(1, l) + lnC(l, l2) + lnX(l2, L));
          terms.b2.push(Math.LN2 + (2 * L - l - l2) * lnA + lnX(l2, L));
          terms.wb.push((2 * L - l - 1) * lnA + lnr(l2) + lnC(l, l2) + lnX(l2, L));
          terms.wb.push((2 * L - l2 - 1) * lnA + lnr(l) + lnX(l2, L));
        }
      }
      const lse = (xs: number[]) => {
        const mx = xs.reduce((u, v) => Math.max(u, v), -Infinity);
        return mx + Math.log(xs.reduce((acc, v) => acc + Math.exp(v - mx), 0));
      };
      const lnEW = lse(terms.ew),
        lnEB = lse(terms.eb),
        lnMean = lse([lnEW, lnEB]);
      const lnDisp = lse([lse(terms.w2), Math.LN2 + lse(terms.wb), lse(terms.b2)]) - 2 * lnMean;
      const m = reluFiniteMoments(s, widths);
      // X_(1,L) = 3.5^359 ≈ e^{450} is beyond the 2^600 ≈ e^{416} rescaling threshold; the dispersion (e^{87} …
      // e^{445}) is not
      expect(lnDisp).toBeGreaterThan(50);
      expect(lnDisp).toBeLessThan(Math.log(Number.MAX_VALUE));
      expect(rel(m.dispersion, Math.exp(lnDisp))).toBeLessThan(1e-10);
      expect(rel(m.dispersionW, Math.exp(lse(terms.w2) - 2 * lnEW))).toBeLessThan(1e-10);
      expect(rel(m.dispersionB, Math.exp(lse(terms.b2) - 2 * lnEB))).toBeLessThan(1e-10);
      expect(Math.abs(m.logMeanTheta - lnMean)).toBeLessThan(1e-10);
    }
  });

  it('beyond float64 the dispersion is +Infinity, never NaN', () => {
    const m = reluFiniteMomentsConstant(4, 2000, 1, 1); // X_(1,L) = 6^1999
    expect(m.dispersion).toBe(Infinity);
    expect(Number.isFinite(m.logMeanTheta)).toBe(true);
    for (const v of Object.values(reluFiniteMomentsConstant(1, 2000, 1, 1))) expect(Number.isNaN(v)).toBe(false);
  });

  it('bad inputs throw RangeError with a readable message', () => {
    expect(() => reluFiniteMoments(Number.NaN, [10])).toThrow(/sigmaW2/);
    expect(() => reluFiniteMoments(-1, [10])).toThrow(RangeError);
    expect(() => reluFiniteMoments(0, [10])).toThrow(RangeError);
    expect(() => reluFiniteMoments(Infinity, [10])).toThrow(RangeError);
    expect(() => reluFiniteMoments(2, [])).toThrow(/depth/);
    expect(() => reluFiniteMoments(2, [10, 0])).toThrow(/widths\[1\]/);
    expect(() => reluFiniteMoments(2, [10, 2.5])).toThrow(RangeError);
    expect(() => reluFiniteMoments(2, [Number.NaN])).toThrow(/n₀/);
    expect(() => reluFiniteMomentsConstant(2, 0, 10, 10)).toThrow(/depth/);
    expect(() => reluFiniteMomentsConstant(2, 1e9, 10, 10)).toThrow(/depth/);
    expect(() => reluFiniteMomentsConstant(2, 10, -3, 10)).toThrow(/width/);
    expect(() => reluFiniteMomentsConstant(2, 10, 10, 0.5)).toThrow(/inputDim/);
  });
});
