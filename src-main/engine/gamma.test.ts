import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { chiSquareCritical, chiSquareGof } from '../../src-shared/stats/goodness-of-fit';
import { chiSquaredInt, normalZiggurat, sampleChiSquared, sampleGamma } from './gamma';

const Z_001 = 3.090232306167813; // Φ⁻¹(1 − 0.001)

/** Counts of draws in the cells (−∞, e₀], (e₀, e₁], …, (e_last, ∞). */
function binCounts(draw: () => number, edges: number[], N: number): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < N; i++) {
    const x = draw();
    let j = 0;
    while (j < edges.length && x > edges[j]) j++;
    counts[j]++;
  }
  return counts;
}

/** Cell probabilities from a CDF at the edges. */
function cellProbabilities(cdf: (x: number) => number, edges: number[]): Float64Array {
  const p = new Float64Array(edges.length + 1);
  let prev = 0;
  for (let j = 0; j < edges.length; j++) {
    const c = cdf(edges[j]);
    p[j] = c - prev;
    prev = c;
  }
  p[edges.length] = 1 - prev;
  return p;
}

/** Sample mean and variance, and their standard errors from the sample's own 4th moment. */
function moments(draw: () => number, N: number, centre: number) {
  let s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0;
  for (let i = 0; i < N; i++) {
    const x = draw() - centre;
    const x2 = x * x;
    s1 += x;
    s2 += x2;
    s3 += x2 * x;
    s4 += x2 * x2;
  }
  const m = s1 / N;
  const v = s2 / N - m * m;
  const mu4 = s4 / N - 4 * m * (s3 / N) + 6 * m * m * (s2 / N) - 3 * m ** 4;
  return {
    mean: m + centre,
    variance: v,
    seMean: Math.sqrt(v / N),
    seVariance: Math.sqrt(Math.max(0, mu4 - v * v) / N),
  };
}

describe('normalZiggurat', () => {
  // Φ at the edges (Python math.erfc): the outer cells lie beyond the ziggurat's tail start R = 3.442619855899,
  // so the tail method, the wedges and the rectangles are all checked.
  const PHI: Array<[number, number]> = [
    [-3.442619855899, 0.00028805425619582025],
    [-3, 0.0013498980316300957],
    [-2, 0.02275013194817922],
    [-1.5, 0.06680720126885809],
    [-1, 0.15865525393145707],
    [-0.5, 0.3085375387259869],
    [-0.25, 0.4012936743170763],
    [0, 0.5],
  ];
  const edges = [
    ...PHI.map(([z]) => z),
    ...PHI.slice(0, -1)
      .reverse()
      .map(([z]) => -z),
  ];
  const cdfAt = new Map<number, number>([
    ...PHI.map(([z, p]) => [z, p] as [number, number]),
    ...PHI.slice(0, -1).map(([z, p]) => [-z, 1 - p] as [number, number]),
  ]);

  it('passes a χ² test against Φ on cells from the tail to the centre', () => {
    const rng = new Rng(21);
    const N = 400_000;
    const r = chiSquareGof(
      binCounts(() => normalZiggurat(rng), edges, N),
      cellProbabilities((x) => cdfAt.get(x)!, edges),
    );
    expect(r.stat).toBeLessThan(chiSquareCritical(r.df, Z_001));
  });

  it('has mean 0, variance 1 within 5 standard errors and kurtosis 3', () => {
    const rng = new Rng(22);
    const m = moments(() => normalZiggurat(rng), 400_000, 0);
    expect(Math.abs(m.mean)).toBeLessThan(5 * m.seMean);
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * m.seVariance);
    const mu4 = m.seVariance * m.seVariance * 400_000 + m.variance ** 2;
    expect(Math.abs(mu4 - 3)).toBeLessThan(5 * Math.sqrt(96 / 400_000)); // SE of μ̂₄ is √((μ₈ − μ₄²)/N) = √(96/N)
  });
});

/** χ²_k CDF for even k: 1 − e^{−x/2} Σ_{j<k/2} (x/2)^j / j!. */
function chiSquaredCdfEven(k: number, x: number): number {
  if (x <= 0) return 0;
  const h = x / 2;
  let term = 1,
    sum = 1;
  for (let j = 1; j < k / 2; j++) {
    term *= h / j;
    sum += term;
  }
  return 1 - Math.exp(-h) * sum;
}

describe('χ² and Gamma samplers', () => {
  for (const k of [2, 4, 10, 40, 400]) {
    it(`χ²_${k} passes a χ² test against its exact CDF`, () => {
      const rng = new Rng(23, k);
      const sd = Math.sqrt(2 * k);
      const lo = Math.max(0.1 * k, k - 4 * sd),
        hi = k + 6 * sd; // 24 edges from the bulk into the right tail
      const edges = Array.from({ length: 24 }, (_, j) => lo + ((hi - lo) * j) / 23);
      const counts = binCounts(() => chiSquaredInt(k, rng), edges, 200_000);
      const r = chiSquareGof(
        counts,
        cellProbabilities((x) => chiSquaredCdfEven(k, x), edges),
      );
      expect(r.df).toBeGreaterThan(8);
      expect(r.stat).toBeLessThan(chiSquareCritical(r.df, Z_001));
    });
  }

  for (const k of [1, 3, 5, 101, 100_001]) {
    it(`χ²_${k} has mean k and variance 2k within 5 standard errors`, () => {
      const rng = new Rng(24, k);
      const m = moments(() => chiSquaredInt(k, rng), 200_000, k);
      expect(Math.abs(m.mean - k)).toBeLessThan(5 * m.seMean);
      expect(Math.abs(m.variance - 2 * k)).toBeLessThan(5 * m.seVariance);
    });
  }

  for (const shape of [0.3, 1, 2.7]) {
    it(`Gamma(${shape}) has mean and variance equal to the shape within 5 standard errors`, () => {
      const rng = new Rng(25, Math.round(shape * 10));
      const m = moments(() => sampleGamma(shape, rng), 200_000, shape);
      expect(Math.abs(m.mean - shape)).toBeLessThan(5 * m.seMean);
      expect(Math.abs(m.variance - shape)).toBeLessThan(5 * m.seVariance);
    });
  }

  it('χ² with real degrees of freedom is 2·Gamma(k/2): χ²_2.5 has mean 2.5 and variance 5', () => {
    const rng = new Rng(26);
    const m = moments(() => sampleChiSquared(2.5, rng), 200_000, 2.5);
    expect(Math.abs(m.mean - 2.5)).toBeLessThan(5 * m.seMean);
    expect(Math.abs(m.variance - 5)).toBeLessThan(5 * m.seVariance);
  });

  it('χ²_0 is 0', () => {
    expect(chiSquaredInt(0, new Rng(1))).toBe(0);
    expect(sampleChiSquared(0, new Rng(1))).toBe(0);
  });

  it('refuses bad arguments with RangeError', () => {
    const rng = new Rng(1);
    expect(() => sampleGamma(0, rng)).toThrow(RangeError);
    expect(() => sampleGamma(-1, rng)).toThrow(RangeError);
    expect(() => sampleGamma(Number.NaN, rng)).toThrow(RangeError);
    expect(() => sampleGamma(Infinity, rng)).toThrow(RangeError);
    expect(() => sampleChiSquared(-0.5, rng)).toThrow(RangeError);
    expect(() => sampleChiSquared(Number.NaN, rng)).toThrow(RangeError);
  });
});

describe('Marsaglia–Tsang shortcuts are decision-identical to the textbook algorithm', () => {
  /** Marsaglia & Tsang (2000) as published: c computed per call, squeeze, then the exact log test only. */
  function textbookGamma(shape: number, rng: Rng): number {
    const d = shape - 1 / 3,
      c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normalZiggurat(rng);
      const v = 1 + c * x;
      const u = (rng.nextU32() + 0.5) * 2 ** -32;
      if (v <= 0) continue;
      const v3 = v * v * v,
        x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v3;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v3 + Math.log(v3))) return d * v3;
    }
  }

  // same stream ⇒ the cached c and the log-free acceptance must give bit-identical variates (any wrongly accepted or
  // rejected draw desynchronizes the streams and shows up as a mismatch)
  for (const k of [3, 4, 7, 20, 101, 200, 5_000, 100_001, 300_000]) {
    it(`χ²_${k}: chiSquaredInt equals 2·Gamma(k/2) by the textbook algorithm on the same stream`, () => {
      const a = new Rng(21, k),
        b = new Rng(21, k);
      let mismatches = 0;
      for (let i = 0; i < 50_000; i++) if (chiSquaredInt(k, a) !== 2 * textbookGamma(0.5 * k, b)) mismatches++;
      expect(mismatches).toBe(0);
    });
  }
  for (const shape of [1, 1.3, 2.5, 10]) {
    it(`Gamma(${shape}): sampleGamma equals the textbook algorithm on the same stream`, () => {
      const a = new Rng(22, shape * 10),
        b = new Rng(22, shape * 10);
      let mismatches = 0;
      for (let i = 0; i < 50_000; i++) if (sampleGamma(shape, a) !== textbookGamma(shape, b)) mismatches++;
      expect(mismatches).toBe(0);
    });
  }
});
