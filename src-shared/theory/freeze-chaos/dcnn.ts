// Infinite-width NNGP and NTK of a 1-D deconvolutional net (DC-NN, transposed convolution) in the β line's NTK
// parametrization: Jacot et al. 2019, Sec. 2.2, 4.2, 6 and App. E–G.
// Geometry: stride s, window ω = {−(ws − 1), …, 0} (w parents per position in the bulk), upsampling then the filter,
// so the parents of p are P(p) = {q ∈ I_ℓ : s·q ∈ p + ω} (Sec. 6; App. G's example ω = {−3, …, 0} gives
// {⌊p/2⌋ − 1, ⌊p/2⌋}), and the connection q → p uses the filter tap k = s·q − p: two connections share weights iff
// their taps agree (χ, App. E), so q → p and q′ → p′ do iff s | p′ − p and q′ = q + (p′ − p)/s.
// Borders: I_ℓ = {0, …, n_ℓ − 1} with n_{ℓ+1} = s(n_ℓ + w − 1) ("full" output), or periodic (n_{ℓ+1} = s·n_ℓ, the bulk
// of App. F with no border at all).
// Parametrization: 'classic' divides by √(n_ℓ|ω|/s) = √(n_ℓw) (Sec. 2.2), 'parent' by √(n_ℓ|P(p)|) (Sec. 6, App. E).
// Recursions (Props. 4 and 5), with c_p the divisor and 𝕃 the dual kernel at the parents' (co)variances:
//   Σ^{(1)}_{pp′} = β² + (1 − β²)/√(c_p c_p′)·Σ_q χ·x_qᵀy_{q′}/n₀,
//   Σ^{(ℓ+1)}_{pp′} = β² + (1 − β²)/√(c_p c_p′)·Σ_q χ·𝕃^σ_{qq′},
//   Θ^{(1)} = Σ^{(1)},   Θ^{(ℓ+1)}_{pp′} = Σ^{(ℓ+1)}_{pp′} + (1 − β²)/√(c_p c_p′)·Σ_q χ·Θ^{(ℓ)}_{qq′}𝕃^σ̇_{qq′}.
// Inputs enter only through G_{qq′} = x_qᵀy_{q′}/n₀ (and ‖x_q‖² = ‖y_q‖² = n₀: the sphere 𝕊^{I₀}_{n₀}).
import type { FreezeChaosModel } from './recursion';

export const DCNN_PARAMETRIZATIONS = ['classic', 'parent'] as const;
export type DcnnParametrization = (typeof DCNN_PARAMETRIZATIONS)[number];

/**
 * Layer-dependent learning rates (Sec. 6.1, App. F.1), S = s (1-D). With per-parameter rates η the kernel that drives
 * gradient descent is Σ_θ η_θ ∂_θf ∂_θf, so layer k's weight and bias terms are scaled by η_W(k), η_b(k) (k = 1..L,
 * the layer producing α̃^{(k)}, W^{(k−1)} and b^{(k−1)} in the paper's 0-based names):
 * • 'none': η = 1;
 * • 'sec6.1': Sec. 6.1, "divide the learning rate of W^{(ℓ)} by S^{ℓ/2} and of b^{(ℓ)} by S^{(ℓ+1)/2}" read with the
 *   paper's 0-based ℓ: η_W(k) = S^{−(k−1)/2}, η_b(k) = S^{−k/2} (then W^{(ℓ)} and b^{(ℓ−1)}, which feed the same
 *   checkerboard period s^{L−ℓ} by Prop. 3, get the same rate);
 * • 'appF.1': App. F.1, weights and bias of layer k both by S^{−k/2}; then Θ_pp = Σ_k S^{−k/2}r^{L−k} and Prop. 7
 *   bounds ϑ with √S·r in place of r.
 */
export const DCNN_LR_SCALINGS = ['none', 'sec6.1', 'appF.1'] as const;
export type DcnnLrScaling = (typeof DCNN_LR_SCALINGS)[number];

/** η_W(k), η_b(k) for k = 1..L (index 0 unused). */
export function dcnnLearningRates(
  scaling: DcnnLrScaling,
  stride: number,
  depth: number,
): { weights: Float64Array; biases: Float64Array } {
  if (!(DCNN_LR_SCALINGS as readonly string[]).includes(scaling))
    throw new RangeError(`lrScaling: expected one of ${DCNN_LR_SCALINGS.join(', ')}, got ${JSON.stringify(scaling)}`);
  const weights = new Float64Array(depth + 1).fill(1);
  const biases = new Float64Array(depth + 1).fill(1);
  for (let k = 1; k <= depth; k++) {
    if (scaling === 'sec6.1') {
      weights[k] = stride ** (-(k - 1) / 2);
      biases[k] = stride ** (-k / 2);
    } else if (scaling === 'appF.1') weights[k] = biases[k] = stride ** (-k / 2);
  }
  return { weights, biases };
}

/** Largest output layer handled (the cross kernel is n_L × n_L). */
export const DCNN_MAX_POSITIONS = 2048;

export interface DcnnSpec {
  stride: number;
  /** Parents per position in the bulk: |ω| = w·s. */
  window: number;
  depth: number;
  /** |I₀|. */
  inputPositions: number;
  parametrization: DcnnParametrization;
  periodic?: boolean;
  /** Layer-dependent learning rates (Sec. 6.1 / App. F.1); default 'none'. Changes Θ, never Σ. */
  lrScaling?: DcnnLrScaling;
  /** Explicit per-layer rates η_W(k), η_b(k), k = 1..L (index 0 unused); overrides lrScaling. */
  rates?: { weights: ArrayLike<number>; biases: ArrayLike<number> };
}

export interface DcnnKernels {
  /** |I_L|. */
  positions: number;
  /** Σ^{(L)}_{pp}(x, x) and Θ^{(L)}_{pp}(x, x), Θ^{(L)}_{pp}(y, y) per output position. */
  sigmaDiagX: Float64Array;
  thetaDiagX: Float64Array;
  thetaDiagY: Float64Array;
  /** Θ^{(L)}_{pp′}(x, y), row-major n_L × n_L. */
  thetaXY: Float64Array;
}

function validate(spec: DcnnSpec): number[] {
  const { stride: s, window: w, depth: L, inputPositions: n0 } = spec;
  if (!(Number.isInteger(s) && s >= 1 && s <= 16)) throw new RangeError(`stride: must be an integer in [1, 16]`);
  if (!(Number.isInteger(w) && w >= 1 && w <= 16)) throw new RangeError(`window: must be an integer in [1, 16]`);
  if (!(Number.isInteger(L) && L >= 1 && L <= 64)) throw new RangeError(`depth: must be an integer in [1, 64]`);
  if (!(Number.isInteger(n0) && n0 >= 1)) throw new RangeError(`inputPositions: must be an integer ≥ 1`);
  if (!(DCNN_PARAMETRIZATIONS as readonly string[]).includes(spec.parametrization))
    throw new RangeError(`parametrization: expected one of ${DCNN_PARAMETRIZATIONS.join(', ')}`);
  if (spec.rates)
    for (const key of ['weights', 'biases'] as const) {
      const a = spec.rates[key];
      if (a.length !== L + 1) throw new RangeError(`rates.${key}: expected ${L + 1} entries (index 0 unused)`);
      for (let k = 1; k <= L; k++)
        if (!(Number.isFinite(a[k]) && a[k] >= 0)) throw new RangeError(`rates.${key}[${k}]: must be finite and ≥ 0`);
    }
  const sizes = [n0];
  for (let l = 1; l <= L; l++) {
    const next = spec.periodic ? s * sizes[l - 1] : s * (sizes[l - 1] + w - 1);
    if (next > DCNN_MAX_POSITIONS)
      throw new RangeError(`depth: layer ${l} would have ${next} positions (at most ${DCNN_MAX_POSITIONS})`);
    sizes.push(next);
  }
  return sizes;
}

/** Positions per layer, I₀ … I_L. */
export function dcnnLayerSizes(spec: DcnnSpec): number[] {
  return validate(spec);
}

/** The parents of p ∈ I_ℓ in I_{ℓ−1} (size n): ⌊p/s⌋ − w + 1 … ⌊p/s⌋, clipped (borders) or wrapped (periodic). */
function parents(p: number, s: number, w: number, n: number, periodic: boolean): number[] {
  const top = Math.floor(p / s);
  const out: number[] = [];
  for (let q = top - w + 1; q <= top; q++) {
    if (periodic) out.push(((q % n) + n) % n);
    else if (q >= 0 && q < n) out.push(q);
  }
  return out;
}

/** 𝕃^σ and 𝕃^σ̇ at covariance [[a, c], [c, b]] for the model's σ (unit variances: the dual functions R_σ, R_σ̇). */
export function dcnnDualKernel(model: FreezeChaosModel): (a: number, c: number, b: number, out: Float64Array) => void {
  const { nl, dual } = model;
  const cf = nl.base.closedForms;
  const s2 = nl.scale * nl.scale;
  const shift = nl.shift;
  // E φ(√q z): ReLU √q/√(2π); odd φ (erf, linear) 0; used only off the unit sphere
  const meanPhi =
    nl.activation === 'relu'
      ? (q: number) => Math.sqrt(q) / Math.sqrt(2 * Math.PI)
      : nl.activation === 'erf' || nl.activation === 'linear'
        ? () => 0
        : null;
  return (a, c, b, out) => {
    if (Math.abs(a - 1) <= 1e-9 && Math.abs(b - 1) <= 1e-9) {
      const rho = c / Math.sqrt(a * b);
      out[0] = dual.R(rho);
      out[1] = dual.Rdot(rho);
      return;
    }
    if (!cf || !meanPhi)
      throw new RangeError(
        `activation: ${nl.activation} has no closed-form kernel off the unit sphere (classic parametrization at a ` +
          'border): use the parent-based parametrization, periodic positions, or relu, erf, linear',
      );
    out[0] = s2 * (cf.T(a, c, b) - shift * (meanPhi(a) + meanPhi(b)) + shift * shift);
    out[1] = s2 * cf.Tdot(a, c, b);
  };
}

/**
 * The DC-NN kernels at depth L for two inputs x, y on 𝕊^{I₀}_{n₀} given by G[q·n + q′] = x_qᵀy_{q′}/n₀ (n = |I₀|).
 */
export function dcnnKernels(model: FreezeChaosModel, spec: DcnnSpec, gram: ArrayLike<number>): DcnnKernels {
  const sizes = validate(spec);
  const { stride: s, window: w, depth: L } = spec;
  const periodic = spec.periodic ?? false;
  if (gram.length !== sizes[0] * sizes[0])
    throw new RangeError(`gram: expected ${sizes[0]}×${sizes[0]} entries, got ${gram.length}`);
  for (let i = 0; i < gram.length; i++)
    if (!(Math.abs(gram[i]) <= 1)) throw new RangeError(`gram: entries are cosines x_qᵀy_q′/n₀ in [−1, 1]`);
  const b2 = model.beta * model.beta;
  const w2 = 1 - b2;
  const kernel = dcnnDualKernel(model);
  const eta = spec.rates ?? dcnnLearningRates(spec.lrScaling ?? 'none', s, L);
  const pair = new Float64Array(2);
  // layer state: diagonals Σ_qq(x,x), Σ_qq(y,y), Θ_qq(x,x), Θ_qq(y,y) and the cross Σ_qq′(x,y), Θ_qq′(x,y)
  let n = sizes[0];
  let sx = new Float64Array(n).fill(1);
  let sy = new Float64Array(n).fill(1);
  let tx = new Float64Array(n);
  let ty = new Float64Array(n);
  let sxy = Float64Array.from(gram);
  let txy = new Float64Array(n * n);
  for (let l = 1; l <= L; l++) {
    const m = sizes[l];
    const ew = eta.weights[l],
      eb = eta.biases[l];
    const par = Array.from({ length: m }, (_, p) => parents(p, s, w, n, periodic));
    const div = par.map((ps) => (spec.parametrization === 'parent' ? ps.length : w));
    const nsx = new Float64Array(m);
    const nsy = new Float64Array(m);
    const ntx = new Float64Array(m);
    const nty = new Float64Array(m);
    for (let p = 0; p < m; p++) {
      let ax = 0,
        ay = 0,
        bx = 0,
        by = 0;
      for (const q of par[p]) {
        if (l === 1) {
          ax += 1;
          ay += 1;
        } else {
          kernel(sx[q], sx[q], sx[q], pair);
          ax += pair[0];
          bx += tx[q] * pair[1];
          kernel(sy[q], sy[q], sy[q], pair);
          ay += pair[0];
          by += ty[q] * pair[1];
        }
      }
      // a position without parents (none here) would see only its bias
      const f = par[p].length ? w2 / div[p] : 0;
      nsx[p] = b2 + f * ax;
      nsy[p] = b2 + f * ay;
      // Θ^{(ℓ)} = η_b β² + η_W (Σ^{(ℓ)} − β²) + the earlier layers' terms (App. H's layerwise split)
      ntx[p] = eb * b2 + ew * f * ax + f * bx;
      nty[p] = eb * b2 + ew * f * ay + f * by;
    }
    const nsxy = new Float64Array(m * m).fill(b2);
    const ntxy = new Float64Array(m * m).fill(eb * b2);
    for (let p = 0; p < m; p++) {
      for (let p2 = p % s; p2 < m; p2 += s) {
        // χ: q′ = q + (p′ − p)/s (taps agree), q′ must exist in I_{ℓ−1}
        const shift = (p2 - p) / s;
        let a = 0;
        let bsum = 0;
        for (const q of par[p]) {
          let q2 = q + shift;
          if (periodic) q2 = ((q2 % n) + n) % n;
          else if (q2 < 0 || q2 >= n) continue;
          if (l === 1) a += sxy[q * n + q2];
          else {
            kernel(sx[q], sxy[q * n + q2], sy[q2], pair);
            a += pair[0];
            bsum += txy[q * n + q2] * pair[1];
          }
        }
        const f = w2 / Math.sqrt(div[p] * div[p2]);
        nsxy[p * m + p2] = b2 + f * a;
        ntxy[p * m + p2] = eb * b2 + ew * f * a + f * bsum;
      }
    }
    n = m;
    sx = nsx;
    sy = nsy;
    tx = ntx;
    ty = nty;
    sxy = nsxy;
    txy = ntxy;
  }
  return { positions: n, sigmaDiagX: sx, thetaDiagX: tx, thetaDiagY: ty, thetaXY: txy };
}

/** v_s(d): the largest k with s^k | d (d ≠ 0); for d = 0 the cap. */
export function sValuation(d: number, s: number, cap: number): number {
  if (d === 0) return cap;
  let v = 0;
  let x = Math.abs(d);
  while (v < cap && x % s === 0) {
    x /= s;
    v++;
  }
  return v;
}

export interface CheckerboardProfile {
  offsets: Int32Array;
  /** ϑ_{p,p+d}(x, y) = Θ_{p,p+d}(x,y)/√(Θ_pp(x,x)Θ_{p+d,p+d}(y,y)). */
  vartheta: Float64Array;
  /** v = min(v_s(d), L − 1) (L − 1 at d = 0), the colour of the checkerboard. */
  valuation: Int32Array;
  /**
   * Freeze (r < 1): Thm 4, ϑ ≤ (1 − r^{v+1})/(1 − r^L), or with the App. F.1 learning rates Prop. 7, the same with
   * √S·r in place of r (read as a bound on ϑ: its proof divides by Θ_pp). Null outside the frozen phase, and for the
   * Sec. 6.1 or explicit rates (no bound stated).
   */
  upperBound: Float64Array | null;
  boundSource: 'thm4' | 'prop7' | null;
}

/** (1 − a^{v+1})/(1 − a^L), continuous at a = 1 ((v + 1)/L). */
function geometricRatio(a: number, v: number, L: number): number {
  if (Math.abs(a - 1) < 1e-12) return (v + 1) / L;
  return (1 - a ** (v + 1)) / (1 - a ** L);
}

/** ϑ_{p, p+d} for d = −maxOffset … maxOffset around p = the middle output position (Thm 4's checkerboard). */
export function checkerboardProfile(
  model: FreezeChaosModel,
  spec: DcnnSpec,
  gram: ArrayLike<number>,
  maxOffset: number,
): CheckerboardProfile {
  const k = dcnnKernels(model, spec, gram);
  const m = k.positions;
  const p = Math.floor(m / 2);
  if (!(Number.isInteger(maxOffset) && maxOffset >= 0 && p + maxOffset < m && p - maxOffset >= 0))
    throw new RangeError(`maxOffset: must be an integer in [0, ${Math.min(p, m - 1 - p)}]`);
  const count = 2 * maxOffset + 1;
  const offsets = new Int32Array(count);
  const vartheta = new Float64Array(count);
  const valuation = new Int32Array(count);
  const scaling = spec.rates ? null : (spec.lrScaling ?? 'none');
  const boundSource =
    model.phase !== 'freeze' ? null : scaling === 'none' ? 'thm4' : scaling === 'appF.1' ? 'prop7' : null;
  const upperBound = boundSource ? new Float64Array(count) : null;
  const a = boundSource === 'prop7' ? Math.sqrt(spec.stride) * model.r : model.r;
  const L = spec.depth;
  for (let i = 0; i < count; i++) {
    const d = i - maxOffset;
    const p2 = p + d;
    offsets[i] = d;
    vartheta[i] = k.thetaXY[p * m + p2] / Math.sqrt(k.thetaDiagX[p] * k.thetaDiagY[p2]);
    const v = Math.min(sValuation(d, spec.stride, L - 1), L - 1);
    valuation[i] = v;
    if (upperBound) upperBound[i] = geometricRatio(a, v, L);
  }
  return { offsets, vartheta, valuation, upperBound, boundSource };
}

/** Input cosines G_{qq′} = x_qᵀy_{q′}/n₀: `same` on the diagonal (q = q′), `other` elsewhere (stationary inputs). */
export function stationaryInputGram(positions: number, same: number, other: number): Float64Array {
  const g = new Float64Array(positions * positions).fill(other);
  for (let q = 0; q < positions; q++) g[q * positions + q] = same;
  return g;
}

/** Remark 4 (corrected indices): for v = v_s(p′ − p) < L, Θ_{pp′} = Σ_{k≤v} c_k Π_{m=k}^{v−1}(1 − β²)R_σ̇(c_m). */
export function remark4Constant(model: FreezeChaosModel, v: number): number {
  const b2 = model.beta * model.beta;
  const c: number[] = [b2];
  for (let k = 1; k <= v; k++) c.push(b2 + (1 - b2) * model.dual.R(c[k - 1]));
  let theta = 0;
  for (let k = 0; k <= v; k++) {
    let prod = 1;
    for (let m = k; m < v; m++) prod *= (1 - b2) * model.dual.Rdot(c[m]);
    theta += c[k] * prod;
  }
  return theta;
}
