// Exact finite-width E[Θ] and E[Θ²] of the ReLU NTK diagonal Θ(x, x) (σ_b = 0, ‖x⁰‖ = 1, any widths), with none of
// the O(M^{−3/2}) truncation of Seleznova & Kutyniok 2022, Thm 3.2 (Lemma A.4). Derivation: docs/exact-moments.md. (Thm
// 3.2 misses
// O(λ²) terms at fixed λ = L/M, and its limit Thm 3.1 with it: see the doc's table.)
//
// Model (docs/exact-sampler.md, the exact law of the network): per hidden layer j = 1…L−1 independent
// K_j ~ Bin(n_j, ½), r_j = (2/n_j)χ²_{K_j}, q_j = (2/n_j)χ'²_{K_j−1} (χ, χ' independent given K_j), one output Z ~ N(0,
// 1).
// If every K_j ≥ 1:  Θ/S = Σ_l d̂_l (w_l x̂_{l−1} + b_l),  x̂_l = Π_{k≤l} r_k,  d̂_L = 1,
//   d̂_l = (2/n_l) Z² Π_{k=l+1}^{L−1} r_k + q_l d̂_{l+1},  w_l = a^{L−1}(n_{l−1}/n₀)/S,  b_l = a^{L−l}/S.
// If some K_j = 0 the network is dead above j: Θ = 1 (output bias only).
//
// Unrolled, Θ/S is a sum of terms, each a walk through four states per layer j (the term's breakpoints l ≤ m):
//   AW  j < l, weight term: factor r_j       Ab  j < l, bias term: factor 1
//   B   l ≤ j < m: factor q_j                C   j > m (Z² picked up at j = m with the constant 2/n_m): factor r_j
// so the alive part is v_{L−1}·u with a random 4-vector v_j = M_j v_{j−1} and u = (w_L, b_L, 1, Z²). E[Θ²] follows
// from the 4×4 matrix E[v vᵀ], pushed layer by layer with the per-layer joint moments below (pairs of walks): O(L).
// The dead event is carried by weighting each layer's moments with 1[K_j ≥ 1], so the DP returns E[Θ^k 1_alive]
// directly, and the dead networks add P(dead)·1.
//
// Per-layer moments with the alive indicator (K ~ Bin(n, ½), E K = n/2, E K² = n(n+1)/4, p = 1 − 2^{−n};
// E[χ²_K | K] = K, E[(χ²_K)² | K] = K² + 2K, E[χ²_{K−1}] = K − 1, E[(χ²_{K−1})²] = K² − 1):
//   E[1_{K≥1}] = p,  E[r 1] = 1,  E[q 1] = 1 − 2p/n,  E[r² 1] = 1 + 5/n,  E[q² 1] = 1 + 1/n − 4p/n²,  E[r q 1] = 1 −
// 1/n.

export interface ReluExactMoments {
  /** E[Θ(x, x)] (Infinity only where it exceeds float64; see logMeanTheta). */
  meanTheta: number;
  /** ln E[Θ], always finite. */
  logMeanTheta: number;
  /** E[Θ²]/E[Θ]², exact (Infinity only where the ratio itself exceeds float64, e.g. width 1 beyond L ≈ 396). */
  dispersion: number;
}

/** Widths above this are refused (same bound as the exact sampler). */
export const EXACT_MOMENTS_MAX_WIDTH = 2 ** 30;
/** Depths above this are refused (O(L) work, ~150 flops per layer). */
export const EXACT_MOMENTS_MAX_DEPTH = 10_000_000;

const AW = 0,
  AB = 1,
  B = 2,
  C = 3;
const SCALE_LOG2 = 600;
const BIG = 2 ** SCALE_LOG2;
const SHRINK = 2 ** -SCALE_LOG2;
const SCALE_LN = SCALE_LOG2 * Math.LN2;

function checkInputs(sigmaW2: number, widths: ArrayLike<number>): void {
  if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || !(sigmaW2 > 0)) {
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${String(sigmaW2)})`);
  }
  if (widths == null || typeof widths.length !== 'number' || widths.length < 1) {
    throw new RangeError('widths must list at least the input dimension n₀ (widths = [n₀, n₁, …, n_{L−1}])');
  }
  if (widths.length > EXACT_MOMENTS_MAX_DEPTH)
    throw new RangeError(`depth (L = widths.length) must be ≤ ${EXACT_MOMENTS_MAX_DEPTH}, got ${widths.length}`);
  for (let l = 0; l < widths.length; l++) {
    const w = widths[l];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > EXACT_MOMENTS_MAX_WIDTH) {
      throw new RangeError(`widths[${l}] must be an integer in [1, ${EXACT_MOMENTS_MAX_WIDTH}] (got ${String(w)})`);
    }
  }
}

/** ln(e^x + e^y) for x, y ∈ [−∞, ∞). */
function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

/** log(eˣ − 1) for x > 0 without overflow. */
function logExpm1(x: number): number {
  return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/**
 * ln S, S = a^{L−1} Σ_{l=1}^{L} n_{l−1}/n₀ + Σ_{l=1}^{L} a^{L−l} (Seleznova & Kutyniok 2022, eqs. 11–12), without
 * overflow. Eq. (11) is
 * exact; eq. (12) ignores dead layers (see reluExactMoments), so S is only the normalization here.
 */
function logMeanThetaEq1112(logA: number, widths: ArrayLike<number>): number {
  const L = widths.length;
  let widthSum = 0;
  for (let l = 0; l < L; l++) widthSum += widths[l] / widths[0];
  const logW = (L - 1) * logA + Math.log(widthSum);
  let logB: number; // ln Σ_{j=0}^{L−1} a^j
  if (logA === 0) logB = Math.log(L);
  else if (logA < 0) logB = Math.log(Math.expm1(L * logA) / Math.expm1(logA));
  else logB = logExpm1(L * logA) - logExpm1(logA);
  return logAddExp(logW, logB);
}

/**
 * Exact E[Θ], ln E[Θ] and E[Θ²]/E[Θ]² of the NTK diagonal of a ReLU network with σ_b = 0, ‖x⁰‖ = 1 and
 * widths = [n₀, n₁, …, n_{L−1}] (L = widths.length weight layers, scalar output), including dead layers. O(L).
 */
export function reluExactMoments(sigmaW2: number, widths: ArrayLike<number>): ReluExactMoments {
  checkInputs(sigmaW2, widths);
  const L = widths.length;
  // ln σ_w² − ln 2, not ln(σ_w²/2): a subnormal σ_w² (5e−324) halves to 0, and ln 0 made every moment NaN
  const logA = Math.log(sigmaW2) - Math.LN2;
  // S = E[Θ] of Seleznova & Kutyniok 2022, eqs. (11)–(12): the normalization of the sampler (exact E[Θ] differs by the
  // dead event)
  const logS = logMeanThetaEq1112(logA, widths);
  const wOf = (l: number) => Math.exp((L - 1) * logA + Math.log(widths[l - 1] / widths[0]) - logS); // w_l
  const bOf = (l: number) => Math.exp((L - l) * logA - logS); // b_l

  // m1 = E[v 1_alive], m2 = E[v vᵀ 1_alive] (row-major 4×4), m2 stored × e^{−scale2}
  const m1 = new Float64Array(4);
  const m2 = new Float64Array(16);
  const n1 = new Float64Array(4);
  const n2 = new Float64Array(16);
  m1[AW] = 1;
  m1[AB] = 1; // x̂_0 = 1, bias walk carries 1
  m2[AW * 4 + AW] = 1;
  m2[AW * 4 + AB] = 1;
  m2[AB * 4 + AW] = 1;
  m2[AB * 4 + AB] = 1;
  let scale2 = 0;
  let logAlive = 0; // ln P(all hidden layers alive)

  // One walk's transitions at a layer: target state, coefficient, factor kind (0: 1, 1: r, 2: q).
  const to = new Int32Array(4 * 3),
    kind = new Int32Array(4 * 3),
    count = new Int32Array(4);
  const coef = new Float64Array(4 * 3);
  const mu = new Float64Array(9); // mu[f·3 + g] = E[f g 1_{K≥1}], f, g ∈ {1, r, q}

  for (let j = 1; j < L; j++) {
    const n = widths[j];
    const p = -Math.expm1(-n * Math.LN2); // 1 − 2^{−n}
    logAlive += Math.log1p(-Math.exp(-n * Math.LN2));
    const wj = wOf(j),
      bj = bOf(j),
      t = 2 / n;
    mu[0] = p;
    mu[1] = mu[3] = 1; // E[r 1]
    mu[2] = mu[6] = 1 - (2 * p) / n; // E[q 1]
    mu[4] = 1 + 5 / n; // E[r² 1]
    mu[5] = mu[7] = 1 - 1 / n; // E[r q 1]
    mu[8] = 1 + 1 / n - (4 * p) / (n * n); // E[q² 1]
    // AW → AW (r), → B (w_j q), → C (w_j·2/n); Ab → Ab (1), → B (b_j q), → C (b_j·2/n); B → B (q), → C (2/n); C → C (r)
    let k = 0;
    count[AW] = 3;
    to[k] = AW;
    coef[k] = 1;
    kind[k++] = 1;
    to[k] = B;
    coef[k] = wj;
    kind[k++] = 2;
    to[k] = C;
    coef[k] = wj * t;
    kind[k++] = 0;
    count[AB] = 3;
    to[k] = AB;
    coef[k] = 1;
    kind[k++] = 0;
    to[k] = B;
    coef[k] = bj;
    kind[k++] = 2;
    to[k] = C;
    coef[k] = bj * t;
    kind[k++] = 0;
    count[B] = 2;
    to[k] = B;
    coef[k] = 1;
    kind[k++] = 2;
    to[k] = C;
    coef[k] = t;
    kind[k++] = 0;
    k++;
    count[C] = 1;
    to[k] = C;
    coef[k] = 1;
    kind[k] = 1;

    n1.fill(0);
    n2.fill(0);
    for (let s = 0; s < 4; s++) {
      const v1 = m1[s];
      for (let a = 0; a < count[s]; a++) {
        const ia = s * 3 + a;
        n1[to[ia]] += coef[ia] * mu[kind[ia]] * v1; // E[f 1] = mu[0·3 + f]
        for (let u = 0; u < 4; u++) {
          const v2 = m2[s * 4 + u];
          if (v2 === 0) continue;
          for (let b = 0; b < count[u]; b++) {
            const ib = u * 3 + b;
            n2[to[ia] * 4 + to[ib]] += coef[ia] * coef[ib] * mu[kind[ia] * 3 + kind[ib]] * v2;
          }
        }
      }
    }
    m1.set(n1);
    let big = 0;
    for (let i = 0; i < 16; i++) big = Math.max(big, n2[i]);
    if (big > BIG) {
      for (let i = 0; i < 16; i++) n2[i] *= SHRINK;
      scale2 += SCALE_LN;
    }
    m2.set(n2);
  }

  // Θ/S on the alive event = u·v, u = (w_L, b_L, 1, Z²), E[Z²] = 1, E[Z⁴] = 3
  const u = [wOf(L), bOf(L), 1, 1];
  let first = 0;
  for (let s = 0; s < 4; s++) first += u[s] * m1[s];
  let second = 0;
  for (let s = 0; s < 4; s++) {
    for (let t = 0; t < 4; t++) second += (s === C && t === C ? 3 : u[s] * u[t]) * m2[s * 4 + t];
  }
  // dead networks: Θ = 1, i.e. Θ/S = e^{−logS}, with probability 1 − P(alive)
  const logDead = logAlive === 0 ? -Infinity : Math.log(-Math.expm1(logAlive));
  const logM1 = logAddExp(Math.log(first), logDead - logS); // ln E[Θ/S]
  const logM2 = logAddExp(Math.log(second) + scale2, logDead - 2 * logS); // ln E[(Θ/S)²]
  const logMeanTheta = logS + logM1;
  return { meanTheta: Math.exp(logMeanTheta), logMeanTheta, dispersion: Math.exp(logM2 - 2 * logM1) };
}
