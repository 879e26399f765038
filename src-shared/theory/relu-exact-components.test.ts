// Component moments E[Θ_W], E[Θ_b], E[Θ_W²], E[Θ_b²], E[Θ_WΘ_b] (relu-exact-components.ts) against: the 4-state DP
// of relu-exact-moments.ts (sums), a brute-force symbolic expansion for tiny widths (split into Θ_W and Θ_b), the
// direct double sums of Seleznova & Kutyniok 2022, eqs. (11)–(15) (eq. 13 proof-consistent), and the limits of
// Seleznova 2024 (thesis), §3.2, eqs. (31)–(36).
import { describe, expect, it } from 'vitest';
import { componentShares, reluExactComponentMoments, reluFiniteComponentMoments } from './relu-exact-components';
import { reluExactMoments } from './relu-exact-moments';
import { reluFiniteMoments } from './relu-finite';
import { add, chiMoment, monomial, mul, type Poly } from './poly.test-util';

const rel = (x: number, y: number) => Math.abs(x / y - 1);

/** Direct double sums of eqs. (11)–(15) with X_(i,j) = Π_{k=i}^{j−1}(1 + 5/n_k), C_(i,j) = Π(1 + 1/n_k). */
function thm32Direct(sigmaW2: number, n: number[]) {
  const a = sigmaW2 / 2,
    L = n.length;
  const X = (i: number, j: number) => {
    let p = 1;
    for (let k = i; k < j; k++) p *= 1 + 5 / n[k];
    return p;
  };
  const C = (i: number, j: number) => {
    let p = 1;
    for (let k = i; k < j; k++) p *= 1 + 1 / n[k];
    return p;
  };
  const r = (l: number) => n[l - 1] / n[0];
  let W = 0,
    B = 0,
    W2 = 0,
    B2 = 0,
    WB = 0;
  for (let l = 1; l <= L; l++) {
    W += r(l);
    B += a ** (L - l);
    W2 += X(1, L) * r(l) * r(l);
    B2 += X(l, L) / a ** (2 * l);
    WB += (r(l) * X(l, L)) / a ** l;
    for (let l2 = l + 1; l2 <= L; l2++) {
      W2 += 2 * r(l) * r(l2) * X(1, l) * C(l, l2) * X(l2, L);
      B2 += (2 * X(l2, L)) / a ** (l + l2);
      WB += (X(l2, L) / a ** l) * r(l) * ((r(l2) / r(l)) * C(l, l2) + a ** l / a ** l2);
    }
  }
  return {
    meanW: a ** (L - 1) * W,
    meanB: B,
    meanW2: a ** (2 * (L - 1)) * W2,
    meanB2: a ** (2 * L) * B2,
    meanWB: a ** (2 * L - 1) * WB,
  };
}

// --- brute force (as in relu-exact-moments.test.ts), with Θ_W and Θ_b kept apart -------------------------------
function bruteForceComponents(sigmaW2: number, widths: number[]) {
  const L = widths.length,
    H = L - 1;
  const nv = 2 * H + 1;
  const X = (j: number) => j - 1,
    Y = (j: number) => H + j - 1,
    Z = 2 * H;
  const xNorm: Poly[] = [monomial(nv, 1)];
  for (let l = 1; l <= H; l++) xNorm.push(mul(xNorm[l - 1], monomial(nv, sigmaW2 / widths[l - 1], { [X(l)]: 1 })));
  const fOver = (l: number) => {
    let p = monomial(nv, sigmaW2 / widths[L - 1], { [Z]: 1 });
    for (let k = l + 1; k <= H; k++) p = mul(p, monomial(nv, sigmaW2 / widths[k - 1], { [X(k)]: 1 }));
    return p;
  };
  const delta: Poly[] = new Array(L + 1);
  delta[L] = monomial(nv, 1);
  for (let l = H; l >= 1; l--)
    delta[l] = add(fOver(l), mul(delta[l + 1], monomial(nv, sigmaW2 / widths[l], { [Y(l)]: 1 })));
  let tW: Poly = new Map(),
    tB: Poly = new Map();
  for (let l = 1; l <= L; l++) {
    tW = add(tW, mul(delta[l], xNorm[l - 1]));
    tB = add(tB, delta[l]);
  }
  const polys = [tW, tB, mul(tW, tW), mul(tB, tB), mul(tW, tB)];
  const out = [0, 0, 0, 0, 0];
  const K = new Array<number>(L).fill(0);
  const visit = (j: number, prob: number): void => {
    if (j <= H) {
      const n = widths[j];
      let c = 1;
      for (let k = 0; k <= n; k++) {
        K[j] = k;
        visit(j + 1, prob * c * 2 ** -n);
        c = (c * (n - k)) / (k + 1);
      }
      return;
    }
    if (K.slice(1).some((k) => k === 0)) {
      out[1] += prob; // dead: Θ_W = 0, Θ_b = 1
      out[3] += prob;
      return;
    }
    polys.forEach((p, i) => {
      let s = 0;
      for (const [key, v] of p) {
        const e = key.split(',').map(Number);
        let m = v * chiMoment(1, e[Z]);
        for (let jj = 1; jj <= H; jj++) m *= chiMoment(K[jj], e[X(jj)]) * chiMoment(K[jj] - 1, e[Y(jj)]);
        s += m;
      }
      out[i] += prob * s;
    });
  };
  visit(1, 1);
  return { meanW: out[0], meanB: out[1], meanW2: out[2], meanB2: out[3], meanWB: out[4] };
}

const KEYS = ['meanW', 'meanB', 'meanW2', 'meanB2', 'meanWB'] as const;

describe('reluExactComponentMoments', () => {
  it('sums to the 4-state DP: E[Θ_W] + E[Θ_b] = E[Θ], E[(Θ_W + Θ_b)²] = E[Θ²] to 1e-12', () => {
    for (const s of [0.6, 1.5, 2, 2.5, 4]) {
      for (const w of [[5], [3, 1, 2], [100, 64, 64, 200], new Array(40).fill(50), [20, ...new Array(60).fill(300)]]) {
        const c = reluExactComponentMoments(s, w),
          e = reluExactMoments(s, w);
        expect(rel(c.meanW + c.meanB, e.meanTheta)).toBeLessThan(1e-12);
        const second = c.meanW2 + 2 * c.meanWB + c.meanB2;
        expect(rel(second, e.dispersion * e.meanTheta ** 2)).toBeLessThan(1e-12);
      }
    }
  });

  for (const w of [
    [1, 1],
    [2, 1, 1],
    [1, 2, 3],
    [3, 3, 2, 1],
    [2, 3, 1, 2],
  ]) {
    it(`widths ${JSON.stringify(w)}: each component equals the brute-force enumeration to 1e-12`, () => {
      for (const s of [0.8, 2, 3.3]) {
        const c = reluExactComponentMoments(s, w),
          b = bruteForceComponents(s, w);
        for (const k of KEYS) expect(rel(c[k], b[k])).toBeLessThan(1e-12);
      }
    });
  }

  it('E[Θ_W] is eq. (11) exactly; E[Θ_b] is eq. (12) once dead layers are negligible', () => {
    for (const s of [1, 2, 3]) {
      const w = [30, 80, 120, 60, 90];
      const c = reluExactComponentMoments(s, w),
        d = thm32Direct(s, w);
      expect(rel(c.meanW, d.meanW)).toBeLessThan(1e-13);
      expect(rel(c.meanB, d.meanB)).toBeLessThan(1e-13);
    }
  });

  it('L = 2: every component equals Thm 3.2 (exact there)', () => {
    for (const s of [0.5, 2, 3]) {
      for (const w of [
        [7, 2],
        [50, 200],
      ]) {
        const c = reluExactComponentMoments(s, w),
          t = reluFiniteComponentMoments(s, w);
        for (const k of KEYS) expect(rel(c[k], t[k])).toBeLessThan(1e-12);
      }
    }
  });

  it('the thesis limits: Θ_b dominates the ordered phase, Θ_W the chaotic one (eqs. 34–36)', () => {
    const M = 10_000,
      L = 200; // λ = 0.02
    const w = new Array(L).fill(M);
    const ord = reluExactComponentMoments(1, w); // a = 1/2
    expect(rel(ord.meanB, 1 / (1 - 0.5))).toBeLessThan(1e-9); // eq. (33), L → ∞
    expect(ord.meanB2 / ord.meanB ** 2 - 1).toBeLessThan(2e-3); // eq. (34), a < 1: → 1 (+O(1/M))
    expect(ord.meanWB / ord.meanB ** 2).toBeLessThan(1e-50); // eq. (36): → 0
    const cha = reluExactComponentMoments(3, w); // a = 3/2
    expect(cha.meanWB / cha.meanW2).toBeLessThan(0.02); // eq. (35): → 0 like 1/L
    expect(cha.meanB / cha.meanW).toBeLessThan(0.02);
    const sh = componentShares(cha);
    expect(sh.secondW).toBeGreaterThan(0.97);
    expect(componentShares(ord).secondB).toBeGreaterThan(0.999);
  });

  it('refuses bad input naming the field', () => {
    expect(() => reluExactComponentMoments(0, [3])).toThrow(/sigmaW2/);
    expect(() => reluExactComponentMoments(2, [3, 0])).toThrow(/widths\[1\]/);
  });
});

describe('reluFiniteComponentMoments (Thm 3.2)', () => {
  it('equals the direct double sums of eqs. (11)–(15) for general widths', () => {
    for (const s of [0.7, 2, 2.6]) {
      for (const w of [[4], [10, 20], [100, 120, 80, 300, 50, 60], [20, 30, 40, 50, 60, 70, 80, 90]]) {
        const t = reluFiniteComponentMoments(s, w),
          d = thm32Direct(s, w);
        for (const k of KEYS) expect(rel(t[k], d[k])).toBeLessThan(1e-12);
      }
    }
  });

  it('recombines to reluFiniteMoments dispersion', () => {
    const w = [60, ...new Array(30).fill(100)];
    for (const s of [1.5, 2, 2.4]) {
      const t = reluFiniteComponentMoments(s, w),
        m = reluFiniteMoments(s, w);
      expect(rel((t.meanW2 + 2 * t.meanWB + t.meanB2) / (t.meanW + t.meanB) ** 2, m.dispersion)).toBeLessThan(1e-12);
    }
  });

  it('stays finite in logs where the moments overflow (σ_w² = 4, L = 3000)', () => {
    const t = reluFiniteComponentMoments(4, new Array(3000).fill(1000));
    expect(t.meanW2).toBe(Infinity);
    expect(Number.isFinite(t.logMeanW2) && Number.isFinite(t.logMeanWB)).toBe(true);
    const e = reluExactComponentMoments(4, new Array(3000).fill(1000));
    expect(Number.isFinite(e.logMeanW2) && Number.isFinite(e.logMeanB2)).toBe(true);
    expect(
      Math.abs(componentShares(e).secondW + componentShares(e).secondB + componentShares(e).secondWB - 1),
    ).toBeLessThan(1e-12);
  });
});
