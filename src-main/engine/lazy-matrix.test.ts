import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { LazyGaussianMatrix } from './lazy-matrix';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const randVec = (n: number, rng: Rng) => {
  const v = new Float64Array(n);
  rng.fillNormal(v);
  return v;
};
const unit = (n: number, i: number) => {
  const e = new Float64Array(n);
  e[i] = 1;
  return e;
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('LazyGaussianMatrix: consistency (one fixed W behind every answer)', () => {
  it('uᵀ(Wᵀv) = vᵀ(Wu) for every queried pair, across interleaved mul/mulT, and repeats are exact', () => {
    for (const [rows, cols] of [
      [7, 5],
      [5, 9],
      [12, 12],
    ] as const) {
      const W = new LazyGaussianMatrix(rows, cols, 0.7, new Rng(11, rows * 100 + cols));
      const qr = new Rng(99, rows);
      const us: Float64Array[] = [],
        Wu: Float64Array[] = [],
        vs: Float64Array[] = [],
        Wtv: Float64Array[] = [];
      for (let step = 0; step < 14; step++) {
        if (qr.uniform() < 0.5) {
          const u = randVec(cols, qr);
          us.push(u);
          Wu.push(W.mul(u));
        } else {
          const v = randVec(rows, qr);
          vs.push(v);
          Wtv.push(W.mulT(v));
        }
      }
      for (let i = 0; i < us.length; i++)
        for (let j = 0; j < vs.length; j++) {
          const lhs = dot(us[i], Wtv[j]),
            rhs = dot(vs[j], Wu[i]);
          expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * norm(us[i]) * norm(vs[j]) * Math.sqrt(rows * cols));
        }
      // asking again returns the same products (now inside the revealed span)
      for (let i = 0; i < us.length; i++)
        expect(maxAbsDiff(W.mul(us[i]), Wu[i])).toBeLessThan(1e-12 * norm(Wu[i]) + 1e-14);
      for (let j = 0; j < vs.length; j++)
        expect(maxAbsDiff(W.mulT(vs[j]), Wtv[j])).toBeLessThan(1e-12 * norm(Wtv[j]) + 1e-14);
      expect(W.inputRank).toBeLessThanOrEqual(cols);
      expect(W.outputRank).toBeLessThanOrEqual(rows);
    }
  });

  it('is linear: W(αu + βu′) = αWu + βWu′ and the same for Wᵀ, without revealing anything new', () => {
    const W = new LazyGaussianMatrix(20, 15, 1.3, new Rng(5));
    const qr = new Rng(6);
    const u1 = randVec(15, qr),
      u2 = randVec(15, qr),
      v1 = randVec(20, qr),
      v2 = randVec(20, qr);
    const a = W.mul(u1),
      t = W.mulT(v1),
      b = W.mul(u2),
      s = W.mulT(v2);
    const [ranksIn, ranksOut] = [W.inputRank, W.outputRank];
    const comb = (x: Float64Array, y: Float64Array, al: number, be: number) => x.map((xi, i) => al * xi + be * y[i]);
    expect(maxAbsDiff(W.mul(comb(u1, u2, 0.3, -2.1)), comb(a, b, 0.3, -2.1))).toBeLessThan(1e-12 * (norm(a) + norm(b)));
    expect(maxAbsDiff(W.mulT(comb(v1, v2, -1.7, 0.4)), comb(t, s, -1.7, 0.4))).toBeLessThan(
      1e-12 * (norm(t) + norm(s)),
    );
    expect([W.inputRank, W.outputRank]).toEqual([ranksIn, ranksOut]);
  });

  it('treats numerically dependent queries as known and stays orthonormal under near-dependence', () => {
    const W = new LazyGaussianMatrix(30, 10, 1, new Rng(8));
    const qr = new Rng(9);
    const u = randVec(10, qr),
      d = randVec(10, qr);
    const Wu = W.mul(u);
    // a remainder of 1e-14 relative is below the 1e-12 span tolerance: no new direction, linear answer
    const near = u.map((x, i) => x + (1e-14 * norm(u) * d[i]) / norm(d));
    const Wnear = W.mul(near);
    expect(W.inputRank).toBe(1);
    expect(maxAbsDiff(Wnear, Wu)).toBeLessThan(1e-11 * norm(Wu));
    // a remainder of 1e-9 relative is genuine: it opens a new direction, and the bilinear identity still holds
    const far = u.map((x, i) => x + (1e-9 * norm(u) * d[i]) / norm(d));
    const Wfar = W.mul(far);
    expect(W.inputRank).toBe(2);
    const v = randVec(30, qr);
    const Wtv = W.mulT(v);
    for (const [x, Wx] of [
      [u, Wu],
      [far, Wfar],
    ] as const)
      expect(Math.abs(dot(x, Wtv) - dot(v, Wx))).toBeLessThan(1e-12 * norm(x) * norm(v) * 30);
    // the zero vector reveals nothing
    expect(Array.from(W.mul(new Float64Array(10)))).toEqual(new Array(30).fill(0));
    expect(W.inputRank).toBe(2);
  });

  it('once fully revealed through a basis, answers every query as the explicit matrix does (no more randomness)', () => {
    const rows = 6,
      cols = 4;
    const W = new LazyGaussianMatrix(rows, cols, 2, new Rng(21));
    const qr = new Rng(22);
    // reveal two random directions first, then everything through the standard basis
    W.mul(randVec(cols, qr));
    W.mulT(randVec(rows, qr));
    const M: Float64Array[] = [];
    for (let j = 0; j < cols; j++) M.push(W.mul(unit(cols, j))); // column j
    expect(W.inputRank).toBe(cols);
    for (let trial = 0; trial < 5; trial++) {
      const u = randVec(cols, qr),
        v = randVec(rows, qr);
      const Wu = new Float64Array(rows),
        Wtv = new Float64Array(cols);
      for (let j = 0; j < cols; j++)
        for (let i = 0; i < rows; i++) {
          Wu[i] += M[j][i] * u[j];
          Wtv[j] += M[j][i] * v[i];
        }
      expect(maxAbsDiff(W.mul(u), Wu)).toBeLessThan(1e-12 * norm(Wu));
      expect(maxAbsDiff(W.mulT(v), Wtv)).toBeLessThan(1e-12 * norm(Wtv));
    }
  });

  it('reset() gives a fresh independent matrix; bad input throws RangeError', () => {
    const W = new LazyGaussianMatrix(4, 3, 1, new Rng(1));
    const u = new Float64Array([1, 2, 3]);
    const first = W.mul(u);
    W.reset();
    expect(W.inputRank).toBe(0);
    expect(maxAbsDiff(W.mul(u), first)).toBeGreaterThan(1e-3);
    expect(() => new LazyGaussianMatrix(0, 3, 1, new Rng(1))).toThrow(RangeError);
    expect(() => new LazyGaussianMatrix(3, 2.5, 1, new Rng(1))).toThrow(RangeError);
    expect(() => new LazyGaussianMatrix(3, 3, -1, new Rng(1))).toThrow(RangeError);
    expect(() => new LazyGaussianMatrix(3, 3, NaN, new Rng(1))).toThrow(RangeError);
    expect(() => W.mul(new Float64Array(4))).toThrow(RangeError);
    expect(() => W.mulT(new Float64Array([1, NaN, 0, 0]))).toThrow(RangeError);
    expect(() => W.mul(new Float64Array([Infinity, 0, 0]))).toThrow(RangeError);
  });
});

describe('LazyGaussianMatrix: revealed entries are i.i.d. N(0, variance)', () => {
  // Reveal a 4×3 W completely: first two random (non-axis) queries, then every column and row of the standard
  // basis in a random order, mixing mul (gives a column) and mulT (gives a row). Entries read off the explicit
  // matrix must be i.i.d. N(0, s²) whatever the path; errors in the conditional law show up as wrong variances
  // or correlations.
  const rows = 4,
    cols = 3,
    s2 = 0.5,
    N = 4000,
    E = rows * cols;
  const samples = new Float64Array(N * E);
  let worstMismatch = 0; // an entry seen through a column and later through a row must agree
  beforeAll(() => {
    const qr = new Rng(77, 1);
    for (let t = 0; t < N; t++) {
      const W = new LazyGaussianMatrix(rows, cols, s2, new Rng(1234, t));
      if (qr.uniform() < 0.5) W.mul(randVec(cols, qr));
      else W.mulT(randVec(rows, qr));
      if (qr.uniform() < 0.5) W.mulT(randVec(rows, qr));
      else W.mul(randVec(cols, qr));
      const order = [...Array(rows + cols).keys()];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(qr.uniform() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const entry = new Float64Array(E).fill(NaN);
      for (const o of order) {
        if (o < cols) {
          const col = W.mul(unit(cols, o));
          for (let i = 0; i < rows; i++) {
            if (!Number.isNaN(entry[i * cols + o]))
              worstMismatch = Math.max(worstMismatch, Math.abs(entry[i * cols + o] - col[i]));
            entry[i * cols + o] = col[i];
          }
        } else {
          const r = o - cols,
            row = W.mulT(unit(rows, r));
          for (let j = 0; j < cols; j++) {
            if (!Number.isNaN(entry[r * cols + j]))
              worstMismatch = Math.max(worstMismatch, Math.abs(entry[r * cols + j] - row[j]));
            entry[r * cols + j] = row[j];
          }
        }
      }
      samples.set(entry, t * E);
    }
  });

  it('every entry revealed twice (through its column and its row, either order) agrees', () => {
    expect(worstMismatch).toBeLessThan(1e-12);
    expect(samples.every(Number.isFinite)).toBe(true);
  });

  it('each entry has mean 0 and variance s² within 4 standard errors; pooled variance within 4 SE', () => {
    let pooled = 0;
    for (let e = 0; e < E; e++) {
      let m = 0,
        v = 0;
      for (let t = 0; t < N; t++) m += samples[t * E + e];
      m /= N;
      for (let t = 0; t < N; t++) v += samples[t * E + e] ** 2;
      v /= N; // mean known to be 0: E[x²] = s², Var[x²] = 2s⁴
      pooled += v / E;
      expect(Math.abs(m)).toBeLessThan(4 * Math.sqrt(s2 / N));
      expect(Math.abs(v - s2)).toBeLessThan(4 * s2 * Math.sqrt(2 / N));
    }
    expect(Math.abs(pooled - s2)).toBeLessThan(4 * s2 * Math.sqrt(2 / (N * E)));
  });

  it('distinct entries are uncorrelated and the fourth moment is Gaussian (3s⁴)', () => {
    // 66 pairs: under independence each √N·corr ≈ N(0,1); max over 66 exceeds 4.5 with probability ≈ 5e-4
    let worst = 0;
    for (let e = 0; e < E; e++)
      for (let f = e + 1; f < E; f++) {
        let c = 0;
        for (let t = 0; t < N; t++) c += samples[t * E + e] * samples[t * E + f];
        worst = Math.max(worst, Math.abs(c / N / s2) * Math.sqrt(N));
      }
    expect(worst).toBeLessThan(4.5);
    // kurtosis pooled over all entries: E[x⁴] = 3s⁴, Var[x⁴] = 96s⁸
    let m4 = 0;
    for (let i = 0; i < samples.length; i++) m4 += samples[i] ** 4;
    m4 /= samples.length;
    expect(Math.abs(m4 / (s2 * s2) - 3)).toBeLessThan(4 * Math.sqrt(96 / samples.length));
  });
});
