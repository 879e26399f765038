// Finite depth-and-width moments of the ReLU NTK diagonal, Seleznova & Kutyniok 2022, Thm 3.2 (eqs. 11–15), σ_b = 0,
// ‖x⁰‖ = 1.
// Θ = Θ_W + Θ_b, Θ_W = Σ_ℓ θ_ℓ with θ_ℓ = ‖δ^ℓ‖²‖x^{ℓ−1}‖², Θ_b = Σ_ℓ ‖δ^ℓ‖² (Seleznova & Kutyniok 2022, eqs. 4, 19).
// Eq. (13) is used in its proof-consistent form (Lemma A.5 proof; docs/theory-eq13.md):
//   E[Θ_W²]/a^{2(L−1)} = X_(1,L) Σ_ℓ r_ℓ² + 2 Σ_{ℓ1<ℓ2} r_ℓ1 r_ℓ2 X_(1,ℓ1) C_(ℓ1,ℓ2) X_(ℓ2,L),  r_ℓ := n_{ℓ−1}/n₀.
//
// Implementation: the double sums are carried as a recurrence over depth (append one hidden layer: L → L+1),
// which is O(L) for one network and lets the plane grid read every depth of a σ_w² column in a single pass.
// Overflow: first moments are divided by K^{L−1}, second moments by K^{2(L−1)} with K = max(a, 1) (so a^L never
// appears un-normalized), and products of (1 + 5/n_k) that still grow are kept with a running power-of-two scale.
import { LIMITS } from '../params';

/** Moments of the NTK diagonal Θ(x, x) at initialization (Seleznova & Kutyniok 2022, Thm 3.2). */
export interface ReluMoments {
  /** E[Θ_W], eq. (11); may underflow to 0 or overflow to Infinity where float64 cannot hold it. */
  meanThetaW: number;
  /** E[Θ_b], eq. (12). */
  meanThetaB: number;
  /** E[Θ] = E[Θ_W] + E[Θ_b] (Infinity only where it exceeds float64; see logMeanTheta). */
  meanTheta: number;
  /** ln E[Θ], always finite. */
  logMeanTheta: number;
  /** E[Θ²]/E[Θ]² = (E[Θ_W²] + 2E[Θ_WΘ_b] + E[Θ_b²]) / (E[Θ_W] + E[Θ_b])². */
  dispersion: number;
  /** E[Θ_W²]/E[Θ_W]² (eqs. 11, 13); independent of σ_w². */
  dispersionW: number;
  /** E[Θ_b²]/E[Θ_b]² (eqs. 12, 14). */
  dispersionB: number;
}

const SCALE_LOG2 = 600;
const BIG = 2 ** SCALE_LOG2;
const SHRINK = 2 ** -SCALE_LOG2;
const SCALE_LN = SCALE_LOG2 * Math.LN2;
// Terms that decay geometrically (K^{−L}, g^L, E[Θ_WΘ_b] when a < 1) are flushed to 0 below 2^-960: every sum they
// enter is ≥ 1 in its normalization (B̂ ≥ 1, B̂b2 ≥ 1, D̂ ≥ 1 when a > 1), so the loss is < 1e-280 relative. Left
// alone they would sink into the subnormal range, where a·(min subnormal) rounds back to it and every step slows ~10×.
const TINY = 2 ** -960;

/** ln(e^x + e^y) for x, y ∈ [−∞, ∞). */
function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

/** (num·e^{scale})/den², overflowing to Infinity only if the value does. */
function scaledRatio(num: number, scale: number, den: number): number {
  return scale === 0 ? num / den / den : Math.exp(Math.log(num) + scale - 2 * Math.log(den));
}

export function validateSigmaW2(sigmaW2: number): void {
  if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || sigmaW2 <= 0) {
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0, got ${String(sigmaW2)}`);
  }
  if (sigmaW2 > LIMITS.sigmaW2Max)
    throw new RangeError(`sigmaW2 (σ_w²) must be ≤ ${LIMITS.sigmaW2Max}, got ${sigmaW2}`);
}

function validateCount(value: number, what: string, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${what} must be an integer ≥ 1, got ${String(value)}`);
  }
  if (value > max) throw new RangeError(`${what} must be ≤ ${max}, got ${value}`);
}

/**
 * Thm 3.2 moments as a recurrence over depth. Start at depth 1 (the input layer n₀ feeding the output), then
 * `push(n)` appends a hidden layer of width n. After pushes n₁ … n_{L−1} the state describes widths [n₀, …, n_{L−1}].
 *
 * State at depth L (r_ℓ = n_{ℓ−1}/n₀, x_k = 1 + 5/n_k, c_k = 1 + 1/n_k, X/C the products of Thm 3.2):
 *   Θ_W part (a-free):  PX = X_(1,L),  T = Σ_{ℓ1<ℓ2≤L} r_ℓ1 r_ℓ2 X_(1,ℓ1) C_(ℓ1,ℓ2) X_(ℓ2,L),
 *                       Q = Σ_{ℓ≤L−1} r_ℓ X_(1,ℓ) C_(ℓ,L)   so that T_{L+1} = x_L T_L + r_{L+1} c_L (Q + r_L PX).
 *   Θ_b part (÷K^{L−1} or ÷K^{2(L−1)}, g = a/K, H = K^{−(L−1)}):
 *     B̂ = E[Θ_b]/K^{L−1},  B̂b2 = E[Θ_b²]/K^{2(L−1)},  ŴB = E[Θ_WΘ_b]/K^{2(L−1)},
 *     D̂ = D_{L−1}/K^{L−1} with D_L = Σ_{ℓ≤L} a^{L+1−ℓ} C_(ℓ,L+1) (the cross term of eq. 15).
 */
export class ReluMomentRecurrence {
  readonly a: number;
  private readonly lnA: number;
  private readonly K: number;
  private readonly lnK: number;
  private readonly lnG: number;
  private readonly g: number;
  private readonly invK: number;
  private readonly n0: number;
  private L = 1;
  // first-moment sums (polynomial size, never rescaled)
  private R = 1; // Σ r_ℓ
  private S2 = 1; // Σ r_ℓ²
  private rLast = 1; // r_L
  private Bh = 1; // E[Θ_b]/K^{L−1}
  private H = 1; // K^{−(L−1)}
  private Gl = 1; // g^{L−1}
  // Θ_W group, stored × e^{−sW}
  private PX = 1;
  private Q = 0;
  private T = 0;
  private sW = 0;
  // Θ_b group, stored × e^{−sB}
  private Dh = 0;
  private WB = 1; // depth 1: E[Θ_WΘ_b] = ‖δ¹‖⁴‖x⁰‖² = 1
  private Bb2 = 1; // depth 1: E[Θ_b²] = 1
  private sB = 0;
  private invScaleB = 1;

  constructor(sigmaW2: number, inputDim: number) {
    validateSigmaW2(sigmaW2);
    validateCount(inputDim, 'inputDim (n₀)', LIMITS.inputDimMax);
    this.a = sigmaW2 / 2;
    this.lnA = Math.log(this.a);
    this.lnK = Math.max(this.lnA, 0);
    const K = Math.max(this.a, 1);
    this.K = K;
    this.g = this.a / K;
    this.lnG = this.lnA - this.lnK;
    this.invK = 1 / K;
    this.n0 = inputDim;
  }

  get depth(): number {
    return this.L;
  }

  /** Append a hidden layer of width n (it becomes n_L; the depth grows to L + 1). Width is not re-validated here. */
  push(n: number): void {
    this.pushRepeated(n, 1);
  }

  /** Append `count` hidden layers of width n. State is kept in locals inside the loop (the plane grid's hot path). */
  pushRepeated(n: number, count: number): void {
    const x = 1 + 5 / n; // Lemma A.1/A.2: E[(N^ℓ)²] = E[N^ℓ]²(1 + 5/n_ℓ)
    const c = 1 + 1 / n; // Lemma A.4 eq. (29): E[N_δ^ℓ N_x^ℓ] = E[N_δ^ℓ]E[N_x^ℓ](1 + 1/n_ℓ)
    const r = n / this.n0;
    const g = this.g,
      invK = this.invK;
    const g2x = g * g * x,
      gc = g * c,
      r2 = r * r;
    let Q = this.Q,
      PX = this.PX,
      T = this.T,
      Dh = this.Dh,
      WB = this.WB,
      Bb2 = this.Bb2,
      Bh = this.Bh;
    let R = this.R,
      S2 = this.S2,
      rLast = this.rLast,
      H = this.H,
      Gl = this.Gl,
      inv = this.invScaleB;
    for (let step = 0; step < count; step++) {
      // Θ_W² (proof of Lemma A.5): old terms gain x_L; new pairs (ℓ1, L+1) add r_{L+1} Σ_ℓ1 r_ℓ1 X_(1,ℓ1) C_(ℓ1,L+1)
      Q = c * (Q + rLast * PX);
      PX *= x;
      T = x * T + r * Q;
      // Θ_b², Θ_WΘ_b (proofs of Lemmas A.6, A.7): old terms gain a² x_L; new terms are those with ℓ = L+1
      let Hn = H * invK; // K^{−L}
      if (Hn < TINY) Hn = 0;
      let Gn = Gl * g; // g^L
      if (Gn < TINY) Gn = 0;
      Dh = gc * (Dh + H * inv); // D̂_L = g c_L (D̂_{L−1} + K^{−(L−1)})
      WB = g2x * WB + Gn * (r * Dh + Hn * (r + R) * inv);
      if (WB < TINY * Bb2) WB = 0;
      Bb2 = g2x * Bb2 + Hn * (Hn + 2 * g * Bh) * inv;
      Bh = g * Bh + Hn;
      R += r;
      S2 += r2;
      rLast = r;
      H = Hn;
      Gl = Gn;
      if (T > BIG || PX > BIG || Q > BIG) {
        PX *= SHRINK;
        Q *= SHRINK;
        T *= SHRINK;
        this.sW += SCALE_LN;
      }
      if (WB > BIG || Bb2 > BIG || Dh > BIG) {
        WB *= SHRINK;
        Bb2 *= SHRINK;
        Dh *= SHRINK;
        inv *= SHRINK;
        this.sB += SCALE_LN;
      }
    }
    this.Q = Q;
    this.PX = PX;
    this.T = T;
    this.Dh = Dh;
    this.WB = WB;
    this.Bb2 = Bb2;
    this.Bh = Bh;
    this.R = R;
    this.S2 = S2;
    this.rLast = rLast;
    this.H = H;
    this.Gl = Gl;
    this.invScaleB = inv;
    this.L += count;
  }

  /** E[Θ²]/E[Θ]² at the current depth (cheaper than moments()). */
  dispersion(): number {
    if (this.sW === 0 && this.sB === 0) {
      // no rescaling happened: every stored value is O(poly(L)·X_(1,L)) < 2^600, so the plain ratio is safe.
      // (Gl = g^{L−1} may be flushed to 0 only where the Θ_W terms are < 2^-960 of B̂ ≥ 1.)
      const gl = this.Gl;
      const den = gl * this.R + this.Bh;
      return (gl * gl * (this.PX * this.S2 + 2 * this.T) + 2 * this.WB + this.Bb2) / (den * den);
    }
    const lnDen = Math.log(Math.exp((this.L - 1) * this.lnG + Math.log(this.R)) + this.Bh);
    const lnW2 = 2 * (this.L - 1) * this.lnG + Math.log(this.PX * this.S2 + 2 * this.T) + this.sW;
    const lnRest = Math.log(2 * this.WB + this.Bb2) + this.sB;
    return Math.exp(logAddExp(lnW2, lnRest) - 2 * lnDen);
  }

  /**
   * ln E[Θ_W], ln E[Θ_b] (eqs. 11, 12), ln E[Θ_W²] (eq. 13, proof-consistent), ln E[Θ_b²] (eq. 14) and
   * ln E[Θ_WΘ_b] (eq. 15) at the current depth; −Infinity where a term was flushed to 0 (see TINY).
   */
  componentLogMoments(): {
    logMeanW: number;
    logMeanB: number;
    logMeanW2: number;
    logMeanB2: number;
    logMeanWB: number;
  } {
    const L1 = this.L - 1;
    return {
      logMeanW: L1 * this.lnA + Math.log(this.R),
      logMeanB: L1 * this.lnK + Math.log(this.Bh),
      logMeanW2: 2 * L1 * this.lnA + Math.log(this.PX * this.S2 + 2 * this.T) + this.sW,
      logMeanB2: 2 * L1 * this.lnK + Math.log(this.Bb2) + this.sB,
      logMeanWB: 2 * L1 * this.lnK + Math.log(this.WB) + this.sB,
    };
  }

  moments(): ReluMoments {
    const L1 = this.L - 1;
    const lnR = Math.log(this.R);
    // E[Θ_W] = a^{L−1} Σ r_ℓ (eq. 11), E[Θ_b] = K^{L−1} B̂ (eq. 12): each overflows only if the true value does
    const meanThetaW = this.R * Math.pow(this.a, L1);
    const meanThetaB = this.Bh * Math.pow(this.K, L1);
    const logMeanTheta = L1 * this.lnK + logAddExp(L1 * this.lnG + lnR, Math.log(this.Bh));
    return {
      meanThetaW,
      meanThetaB,
      meanTheta: meanThetaW + meanThetaB,
      logMeanTheta,
      dispersion: this.dispersion(),
      dispersionW: scaledRatio(this.PX * this.S2 + 2 * this.T, this.sW, this.R),
      dispersionB: scaledRatio(this.Bb2, this.sB, this.Bh),
    };
  }
}

/**
 * Thm 3.2 moments for widths = [n₀, n₁, …, n_{L−1}] (depth L = widths.length, n_L = 1), σ_b = 0, ‖x⁰‖ = 1.
 * O(L) time.
 */
export function reluFiniteMoments(sigmaW2: number, widths: ArrayLike<number>): ReluMoments {
  validateSigmaW2(sigmaW2);
  if (widths == null || typeof widths.length !== 'number')
    throw new RangeError('widths must be an array [n₀, …, n_{L−1}]');
  const L = widths.length;
  if (L < 1) throw new RangeError('widths must hold at least n₀ (depth L ≥ 1)');
  if (L > LIMITS.depthMax) throw new RangeError(`depth (L = widths.length) must be ≤ ${LIMITS.depthMax}, got ${L}`);
  validateCount(widths[0], 'widths[0] (n₀)', LIMITS.inputDimMax);
  for (let k = 1; k < L; k++) validateCount(widths[k], `widths[${k}]`, LIMITS.widthMax);
  const rec = new ReluMomentRecurrence(sigmaW2, widths[0]);
  for (let k = 1; k < L; k++) rec.push(widths[k]);
  return rec.moments();
}

/** Thm 3.2 moments for constant hidden width: n₀ = inputDim, n₁ = … = n_{L−1} = width. */
export function reluFiniteMomentsConstant(
  sigmaW2: number,
  depth: number,
  width: number,
  inputDim: number,
): ReluMoments {
  validateSigmaW2(sigmaW2);
  validateCount(depth, 'depth (L)', LIMITS.depthMax);
  validateCount(width, 'width (M)', LIMITS.widthMax);
  validateCount(inputDim, 'inputDim (n₀)', LIMITS.inputDimMax);
  const rec = new ReluMomentRecurrence(sigmaW2, inputDim);
  for (let k = 1; k < depth; k++) rec.push(width);
  return rec.moments();
}
