// Diagnostics of an NTK Gram matrix Θ̃_{ij} = Θ(x_i, x_j) on a training set of N points (Jacot et al. 2019, Sec. 3
// and 5.1): the constant mode. Under gradient flow with the MSE the residual along a Gram eigenvector v decays as
// e^{−λt} (Sec. 3, infinite-width dynamics), so a small eigenvalue on (or near) the constant vector 1/√N means the
// label mean is learnt slowly: with batch norm after the last hidden layer, Σ_i Θ(x_j, x_i) = Nβ² (Lemma 1 with the
// factor N the printed statement misses), i.e. 1 is an exact eigenvector with eigenvalue Nβ², hence "centre the
// labels" (Sec. 5.1).

/** Eigenvalues (descending) and unit eigenvectors (row k of `vectors` for values[k]) of a symmetric N×N matrix. */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n)
    throw new RangeError(`gram: need an N×N matrix, got ${matrix.length} entries for N = ${n}`);
  const a = Float64Array.from(matrix);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError('gram: entries must be finite');
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  // cyclic Jacobi rotations (Golub & Van Loan §8.5): quadratic convergence, accurate eigenvectors for small N
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const x = a[i * n + j] * a[i * n + j];
        total += x;
        if (i !== j) off += x;
      }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, k) => {
    values[k] = a[col * n + col];
    for (let i = 0; i < n; i++) vectors[k * n + i] = v[i * n + col];
  });
  return { values, vectors };
}

export interface ConstantMode {
  points: number;
  /** Σ_i Θ(x_j, x_i) per row j (Lemma 1: = Nβ² with batch norm after the last hidden layer). */
  rowSums: Float64Array;
  /** 1ᵀΘ̃1/N: the Rayleigh quotient of the constant vector. */
  rayleigh: number;
  /** Largest eigenvalue, its |overlap| with 1/√N, and λ₁/mean λ. */
  topEigenvalue: number;
  topOverlap: number;
  topOverMean: number;
  /** The eigenvector closest to the constant one: its eigenvalue and |overlap| with 1/√N. */
  constantEigenvalue: number;
  constantOverlap: number;
}

export function constantMode(gram: ArrayLike<number>, n: number): ConstantMode {
  const { values, vectors } = symmetricEigen(gram, n);
  const rowSums = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += gram[j * n + i];
    rowSums[j] = s;
    total += s;
  }
  const overlap = (k: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += vectors[k * n + i];
    return Math.abs(s) / Math.sqrt(n);
  };
  let best = 0;
  let bestOverlap = -1;
  for (let k = 0; k < n; k++) {
    const o = overlap(k);
    if (o > bestOverlap) {
      bestOverlap = o;
      best = k;
    }
  }
  const mean = values.reduce((s, x) => s + x, 0) / n;
  return {
    points: n,
    rowSums,
    rayleigh: total / n,
    topEigenvalue: values[0],
    topOverlap: overlap(0),
    topOverMean: mean !== 0 ? values[0] / mean : 0,
    constantEigenvalue: values[best],
    constantOverlap: bestOverlap,
  };
}
