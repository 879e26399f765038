// The top eigenpairs of a large symmetric matrix (the DC-NN Gram matrices of Fig. 2, a few thousand rows, where the
// cyclic Jacobi of gram.ts would take minutes): block Krylov (block Lanczos, Golub & Van Loan §10.3) from a fixed
// pseudo-random block, fully reorthogonalized, Ritz pairs from the Jacobi eigen-decomposition of the small projected
// matrix, and each pair's residual ‖Av − λv‖ reported so that a caller can see the accuracy. A block (not a single
// start vector) because symmetric inputs give these Grams exactly repeated eigenvalues, which a single Krylov
// sequence cannot resolve.
import { Rng } from '../../rng';
import { symmetricEigen } from './gram';

export interface TopEigen {
  /** Descending. */
  values: Float64Array;
  /** Row k (length n) is the unit eigenvector of values[k]. */
  vectors: Float64Array;
  /** ‖Av_k − λ_k v_k‖ per pair. */
  residuals: Float64Array;
  /** trace(A)/n: the mean eigenvalue (λ₁/mean is Fig. 2's spread in the digest). */
  meanEigenvalue: number;
}

/** A·x into y for the row-major n×n matrix a. */
function matVec(a: Float64Array, n: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * n;
    for (let j = 0; j < n; j++) s += a[off + j] * x[j];
    y[i] = s;
  }
}

/**
 * The k largest eigenpairs of the symmetric row-major n×n matrix a (k ≤ n): a block Krylov space of block size k
 * (so eigenvalues of multiplicity ≤ k, common in these symmetric Grams, are all found) of about `steps` vectors
 * (default 4k + 40), fully reorthogonalized, then Rayleigh–Ritz.
 */
export function topEigenpairs(a: Float64Array, n: number, k: number, steps = 4 * k + 40, seed = 1): TopEigen {
  if (!(Number.isInteger(n) && n >= 1 && a.length === n * n))
    throw new RangeError(`matrix: need an n×n matrix, got ${a.length} entries for n = ${n}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`k: must be an integer in [1, ${n}]`);
  const K = Math.min(n, Math.max(k, steps));
  const Q = new Float64Array(K * n); // orthonormal basis, row j = q_j
  const AQ = new Float64Array(K * n); // A·q_j
  const rng = new Rng(seed);
  const w = new Float64Array(n);
  let m = 0; // basis size
  let done = 0; // basis vectors whose A·q is stored
  /** Orthogonalize w against q_0..q_{m−1} (twice) and append it if something is left; true if appended. */
  const append = (): boolean => {
    let before = 0;
    for (let i = 0; i < n; i++) before += w[i] * w[i];
    for (let pass = 0; pass < 2; pass++)
      for (let r = 0; r < m; r++) {
        let c = 0;
        const off = r * n;
        for (let i = 0; i < n; i++) c += Q[off + i] * w[i];
        for (let i = 0; i < n; i++) w[i] -= c * Q[off + i];
      }
    let nw = 0;
    for (let i = 0; i < n; i++) nw += w[i] * w[i];
    if (!(nw > 1e-20 * before) || nw === 0) return false;
    const inv = 1 / Math.sqrt(nw);
    for (let i = 0; i < n; i++) Q[m * n + i] = w[i] * inv;
    m++;
    return true;
  };
  for (let j = 0; j < k && m < K; j++) {
    for (let i = 0; i < n; i++) w[i] = rng.normal();
    append();
  }
  // grow the block Krylov space: A applied to each basis vector in turn
  while (done < m) {
    matVec(a, n, Q.subarray(done * n, (done + 1) * n), AQ.subarray(done * n, (done + 1) * n));
    if (m < K) {
      w.set(AQ.subarray(done * n, (done + 1) * n));
      append();
    }
    done++;
  }
  // Rayleigh–Ritz: H = Qᵀ A Q (symmetrized against rounding)
  const H = new Float64Array(m * m);
  for (let r = 0; r < m; r++)
    for (let c = r; c < m; c++) {
      let s1 = 0,
        s2 = 0;
      for (let i = 0; i < n; i++) {
        s1 += Q[r * n + i] * AQ[c * n + i];
        s2 += Q[c * n + i] * AQ[r * n + i];
      }
      H[r * m + c] = H[c * m + r] = 0.5 * (s1 + s2);
    }
  const small = symmetricEigen(H, m);
  const kk = Math.min(k, m);
  const values = small.values.slice(0, kk);
  const vectors = new Float64Array(kk * n);
  const residuals = new Float64Array(kk);
  const y = new Float64Array(n);
  for (let e = 0; e < kk; e++) {
    const v = vectors.subarray(e * n, (e + 1) * n);
    y.fill(0);
    for (let j = 0; j < m; j++) {
      const c = small.vectors[e * m + j];
      for (let i = 0; i < n; i++) {
        v[i] += c * Q[j * n + i];
        y[i] += c * AQ[j * n + i];
      }
    }
    let r = 0;
    for (let i = 0; i < n; i++) r += (y[i] - values[e] * v[i]) ** 2;
    residuals[e] = Math.sqrt(r);
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  return { values, vectors, residuals, meanEigenvalue: trace / n };
}
