// The exact first-GD-step sampler (docs/gd-step.md) specialized to ONE input x: the same law as GdStepExactSampler
// without a pair, with every conditional draw of LazyGaussianMatrix written out in closed form for k = 1.
// Each hidden W_l (n_l × n_{l−1}, entries N(0, s²), s² = σ_w²/n_{l−1}, Seleznova & Kutyniok 2022, eq. 6) answers four
// queries in order:
//   1. W u₁,  u₁ = x_{l−1} = ‖u₁‖q₁:              A₁ := W q₁ = s·g                          (nothing revealed yet)
//   2. Wᵀv₁,  v₁ = δ_l = ‖v₁‖p₁:                  C₁ := Wᵀp₁ = q₁⟨A₁, p₁⟩ + s(I − q₁q₁ᵀ)g
//   3. W u₂,  u₂ = x′_{l−1} = c₁q₁ + ρq₂ (q₂ ⊥ q₁): A₂ := W q₂ = p₁⟨C₁, q₂⟩ + s(I − p₁p₁ᵀ)g
//   4. Wᵀv₂,  v₂ = δ′_l = d₁p₁ + τp₂ (p₂ ⊥ p₁):    Wᵀp₂ = q₁⟨A₁, p₂⟩ + q₂⟨A₂, p₂⟩ + s(I − q₁q₁ᵀ − q₂q₂ᵀ)g
// with g ~ N(0, I) fresh each time (rotated-frame argument of docs/lazy-gaussian.md: the revealed products fix the
// Q-columns and P-rows of W; the rest is untouched). Then W u₂ = c₁A₁ + ρA₂ and Wᵀv₂ = d₁C₁ + τWᵀp₂.
// The output row W_L (1 × n_{L−1}) is drawn whole (n_{L−1} normals: it is all that f, W_Lᵀ·1 and f′ ever need), and
// W₁ acts on the one-dimensional frame of x = ‖x‖e₁, so W₁x = ‖x‖·s₁g.
// Numerics: one projection pass per remainder (ρq₂ = u₂ − c₁q₁, τp₂ = v₂ − d₁p₁). After a small step u₂ ≈ u₁, so the
// remainder carries a relative error ~1e-16/ε and q₂ may lean off q₁ by that much; but the remainder enters every
// product multiplied by ρ (or τ) ~ ε, so the answers stay at float64 rounding of the whole product, the same level
// as Θ′ itself (ΔΘ = Θ′ − Θ is a difference of two sums either way). The generic sampler's second Gram–Schmidt pass
// buys nothing visible here and would cost a pass per query. A zero vector (a dead layer) gets a zero basis vector,
// which reduces each formula above to the correct one with that direction absent; a remainder below the generic
// sampler's span tolerance counts as zero. The number of fresh normals per network depends only on the widths, never
// on η, y or α: the same seed gives the same networks at every η (common random numbers, as the generic sampler).
import type { Rng } from '../../src-shared/rng';
import { activationFor } from '../../src-shared/network/activations';
import { gdStepSetup, type GdStepSamples, type GdStepSpec, type GdStepSetup } from './gd-step-exact';
import { LAZY_MAX_STORED_VALUES } from './lazy-gaussian';
import { LAZY_SPAN_TOLERANCE } from './lazy-matrix';
import { fillNormals, fillNormalsDot, seedNormalStream } from './bulk-normals';
import { wasmGdStepRelu, type WasmGdStepRelu } from './wasm/kernels';

/** Tests and benchmarks only: `wasm = false` runs ReLU networks in JavaScript instead of the WebAssembly copy of
 *  sample() (wasm/kernels.as.ts gdStepRelu, bit-identical, used whenever it loads). */
export const GD_STEP_KERNEL = { wasm: true };

/** Whether GdStepFastSampler runs its networks in WebAssembly (when the module loads): ReLU with L ≥ 2. */
export function gdStepReluKernel(relu: boolean, depth: number): boolean {
  return GD_STEP_KERNEL.wasm && relu && depth >= 2;
}

export { fillNormals, seedNormalStream } from './bulk-normals';

const TOL2 = LAZY_SPAN_TOLERANCE * LAZY_SPAN_TOLERANCE; // the generic sampler's "already in the span" threshold

// ---- Per-layer passes. Each is its own small function, called once per layer, so V8 optimizes each loop on its
// own. `relu` selects an inline φ(h) = (h + |h|)/2 (exact), φ′(h) = +(h > 0) (the common case), otherwise phi/dphi:
// written without a data-dependent branch, since h_l changes sign at random, which a branch mispredicts half the time
// (a ternary cost ~3× more per element in a microbenchmark).

function dot(n: number, a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** h = c·A + b, x = φ(h) (A holds the forward product of query 1); returns ‖x‖². */
function forward(
  n: number,
  c: number,
  A: Float64Array,
  b: Float64Array,
  h: Float64Array,
  x: Float64Array,
  relu: boolean,
  phi: (v: number) => number,
): number {
  let nx2 = 0;
  for (let i = 0; i < n; i++) {
    const v = c * A[i] + b[i];
    h[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v);
    x[i] = xi;
    nx2 += xi * xi;
  }
  return nx2;
}

/**
 * out = φ′(h) ⊙ (w − c·x): δ_{L−1} (c = 0) or δ′_{L−1}; returns ‖out‖², writes ⟨a, out⟩ to sums[0]
 * (a = δ_{L−1} after the step; before it, a = A₁ of layer L−1 gives query 2's ⟨A₁, δ⟩ for free).
 */
function topDelta(
  m: number,
  w: Float64Array,
  c: number,
  x: Float64Array,
  h: Float64Array,
  out: Float64Array,
  a: Float64Array,
  relu: boolean,
  dphi: (v: number) => number,
  sums: Float64Array,
): number {
  let n2 = 0,
    cross = 0;
  for (let j = 0; j < m; j++) {
    const hv = h[j];
    const dv = (relu ? +(hv > 0) : dphi(hv)) * (w[j] - c * x[j]);
    out[j] = dv;
    n2 += dv * dv;
    cross += a[j] * dv;
  }
  sums[0] = cross;
  return n2;
}

/**
 * Query 2 and the backward step before: C₁ = q₁·k + s·g with k = ⟨A₁, p₁⟩ − s⟨q₁, g⟩ (g already in C1, q₁ = x·invNx);
 * δ_{l−1} = φ′(h_{l−1}) ⊙ ‖δ_l‖C₁. Returns ‖δ_{l−1}‖², writes ⟨a, δ_{l−1}⟩ to sums[0] (a = A₁ of layer l−1).
 */
function backwardBefore(
  m: number,
  s: number,
  k: number,
  invNx: number,
  nd: number,
  x: Float64Array,
  C1: Float64Array,
  h: Float64Array,
  out: Float64Array,
  a: Float64Array,
  relu: boolean,
  dphi: (v: number) => number,
  sums: Float64Array,
): number {
  const kq = k * invNx;
  let n2 = 0,
    ad = 0;
  for (let j = 0; j < m; j++) {
    const c = kq * x[j] + s * C1[j];
    C1[j] = c;
    const hv = h[j];
    const dv = (relu ? +(hv > 0) : dphi(hv)) * nd * c;
    out[j] = dv;
    n2 += dv * dv;
    ad += a[j] * dv;
  }
  sums[0] = ad;
  return n2;
}

/** Layer 1 after: h′ = h − cε·δ, x′ = φ(h′); returns ‖x′‖², writes ⟨x, x′⟩ to sums[0]. */
function forwardAfterFirst(
  n: number,
  h: Float64Array,
  cEps: number,
  delta: Float64Array,
  x: Float64Array,
  hA: Float64Array,
  xA: Float64Array,
  relu: boolean,
  phi: (v: number) => number,
  sums: Float64Array,
): number {
  let n2 = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const v = h[i] - cEps * delta[i];
    hA[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v);
    xA[i] = xi;
    n2 += xi * xi;
    cross += x[i] * xi;
  }
  sums[0] = cross;
  return n2;
}

/** r = u₁ − κ·u₀ (κ = ⟨u₀, u₁⟩/‖u₀‖²: u₁ minus its projection on u₀) into r; returns ‖r‖², writes ⟨a, r⟩ to sums[0]. */
function remainder1(
  m: number,
  u0: Float64Array,
  u1: Float64Array,
  kappa: number,
  r: Float64Array,
  a: Float64Array,
  sums: Float64Array,
): number {
  let n2 = 0,
    sa = 0;
  for (let j = 0; j < m; j++) {
    const v = u1[j] - kappa * u0[j];
    r[j] = v;
    n2 += v * v;
    sa += a[j] * v;
  }
  sums[0] = sa;
  return n2;
}

/** As remainder1, with a second dot: writes ⟨a, r⟩, ⟨b, r⟩ to sums[0..1]. */
function remainder2(
  m: number,
  u0: Float64Array,
  u1: Float64Array,
  kappa: number,
  r: Float64Array,
  a: Float64Array,
  b: Float64Array,
  sums: Float64Array,
): number {
  let n2 = 0,
    sa = 0,
    sb = 0;
  for (let j = 0; j < m; j++) {
    const v = u1[j] - kappa * u0[j];
    r[j] = v;
    n2 += v * v;
    sa += a[j] * v;
    sb += b[j] * v;
  }
  sums[0] = sa;
  sums[1] = sb;
  return n2;
}

/**
 * Query 3 and the forward step after, hidden layer: A₂ = p₁·k + s·g (g already in A2, p₁ = δ·invNd,
 * k = ⟨C₁, q₂⟩ − s⟨p₁, g⟩); h′ = c₁A₁ + ρA₂ + b − cε·δ, x′ = φ(h′). Returns ‖x′‖², writes ⟨x, x′⟩ to sums[0].
 */
function forwardAfterHidden(
  n: number,
  s: number,
  k: number,
  invNd: number,
  delta: Float64Array,
  A1: Float64Array,
  A2: Float64Array,
  c1: number,
  rho: number,
  b: Float64Array,
  cEps: number,
  x: Float64Array,
  hA: Float64Array,
  xA: Float64Array,
  relu: boolean,
  phi: (v: number) => number,
  sums: Float64Array,
): number {
  const kp = k * invNd;
  let n2 = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const d = delta[i];
    const a2 = kp * d + s * A2[i];
    A2[i] = a2;
    const v = c1 * A1[i] + rho * a2 + b[i] - cEps * d;
    hA[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v);
    xA[i] = xi;
    n2 += xi * xi;
    cross += x[i] * xi;
  }
  sums[0] = cross;
  return n2;
}

/**
 * Query 4 and the backward step after: Wᵀδ′_l = d₁C₁ + τ(q₁k₁ + q₂k₂ + s·g) with q₁ = x·invNx, q₂ = r·invRho,
 * k₁ = ⟨A₁, p₂⟩ − s⟨q₁, g⟩, k₂ = ⟨A₂, p₂⟩ − s⟨q₂, g⟩; then (W − εc_W δ xᵀ)ᵀδ′ = Wᵀδ′ − εc_W⟨δ, δ′⟩x and
 * δ′_{l−1} = φ′(h′_{l−1}) ⊙ that. Returns ‖δ′_{l−1}‖², writes ⟨δ_{l−1}, δ′_{l−1}⟩ to sums[0].
 */
function backwardAfter(
  m: number,
  s: number,
  d1: number,
  tau: number,
  k1: number,
  k2: number,
  invNx: number,
  invRho: number,
  cEpsX: number,
  x: Float64Array,
  r: Float64Array,
  C1: Float64Array,
  g: Float64Array,
  hA: Float64Array,
  delta: Float64Array,
  out: Float64Array,
  relu: boolean,
  dphi: (v: number) => number,
  sums: Float64Array,
): number {
  const cx = tau * k1 * invNx - cEpsX,
    cr = tau * k2 * invRho,
    cg = tau * s;
  let n2 = 0,
    cross = 0;
  for (let j = 0; j < m; j++) {
    const hv = hA[j];
    const dv = (relu ? +(hv > 0) : dphi(hv)) * (d1 * C1[j] + cx * x[j] + cr * r[j] + cg * g[j]);
    out[j] = dv;
    n2 += dv * dv;
    cross += delta[j] * dv;
  }
  sums[0] = cross;
  return n2;
}

/**
 * One-input exact GD-step sampler: draws networks one at a time and takes one GD step on (x, y) for each. Same law
 * as GdStepExactSampler without pairCos (tested against it); buffers are allocated once, sample() allocates nothing.
 */
export class GdStepFastSampler {
  readonly depth: number;
  /** Last network: Θ(x, x) before / after the step, f(x) before / after (all of the α-rescaled model). */
  theta = 0;
  thetaAfter = 0;
  output = 0;
  outputAfter = 0;

  private readonly s: GdStepSetup;
  private readonly relu: boolean;
  private readonly phi: (v: number) => number;
  private readonly dphi: (v: number) => number;
  private readonly sdB: number;
  private readonly sd: Float64Array; // weight sd of layer l: √(σ_w²/n_{l−1})
  // per hidden layer l = 1..L−1 (index 0 unused)
  private readonly h: Float64Array[];
  private readonly x: Float64Array[]; // x[0] = [‖x‖] (the input in its one-dimensional frame)
  private readonly delta: Float64Array[];
  private readonly bias: Float64Array[]; // zeros when σ_b = 0
  private readonly hA: Float64Array[];
  private readonly xA: Float64Array[]; // views into two alternating buffers
  private readonly dA: Float64Array[]; // views into two alternating buffers
  private readonly A1: Float64Array[]; // W_l q₁ (l ≥ 2)
  private readonly C1: Float64Array[]; // W_lᵀ p₁ (l ≥ 2)
  private readonly A2: Float64Array[]; // W_l q₂ (l ≥ 2)
  private readonly R: Float64Array[]; // ρq₂ (l ≥ 2)
  private readonly wTop: Float64Array; // W_L as a vector
  private readonly g: Float64Array; // scratch: fresh normals of query 4
  private readonly rRows: Float64Array; // scratch: τp₂
  // per-layer scalars, index l
  private readonly nx2: Float64Array; // ‖x_l‖²
  private readonly nd2: Float64Array; // ‖δ_l‖²
  private readonly nxA2: Float64Array; // ‖x′_l‖²
  private readonly rho: Float64Array; // ρ of query 3 at layer l
  private readonly sums = new Float64Array(2);
  private readonly one = new Float64Array(1); // scratch for scalar draws
  private readonly zeros: Float64Array;
  private readonly st = new Int32Array(4); // the network's normal stream (seedNormalStream)
  private readonly wasm: WasmGdStepRelu | null; // ReLU, L ≥ 2: sample() runs there

  constructor(spec: GdStepSpec) {
    const s = gdStepSetup(spec);
    if (s.pairCos !== undefined)
      throw new RangeError('GdStepFastSampler takes one input: use GdStepExactSampler with pairCos');
    const { n, depth: L } = s;
    let stored = 0;
    for (let l = 1; l < L; l++) stored += 8 * n[l] + 2 * n[l - 1];
    if (stored > LAZY_MAX_STORED_VALUES)
      throw new RangeError(
        `network too large for the exact GD-step sampler: about ${stored} stored values for depth ${L} (limit ${LAZY_MAX_STORED_VALUES})`,
      );
    this.s = s;
    this.depth = L;
    const fns = activationFor('samplers', s.act);
    this.relu = s.act === 'relu';
    this.phi = fns.phi;
    this.dphi = fns.dphi;
    this.sdB = Math.sqrt(s.sigmaB2);
    this.sd = new Float64Array(L + 1);
    for (let l = 1; l <= L; l++) this.sd[l] = Math.sqrt(s.sigmaW2 / n[l - 1]);
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const vec = (len: number) => new Float64Array(len);
    const none = vec(0);
    const xBuf = [vec(maxW), vec(maxW)],
      dBuf = [vec(maxW), vec(maxW)];
    this.x = [Float64Array.of(s.inputNorm)];
    this.h = [none];
    this.delta = [none];
    this.bias = [none];
    this.hA = [none];
    this.xA = [this.x[0]];
    this.dA = [none];
    this.A1 = [none];
    this.C1 = [none];
    this.A2 = [none];
    this.R = [none];
    for (let l = 1; l < L; l++) {
      const nl = n[l],
        m = n[l - 1];
      this.h.push(vec(nl));
      this.x.push(vec(nl));
      this.delta.push(vec(nl));
      this.bias.push(vec(nl));
      this.hA.push(vec(nl));
      this.xA.push(xBuf[l & 1].subarray(0, nl));
      this.dA.push(dBuf[l & 1].subarray(0, nl));
      const inner = l >= 2;
      this.A1.push(vec(nl)); // at l = 1: scratch for the draw of W₁x (no later query)
      this.A2.push(inner ? vec(nl) : none);
      this.C1.push(inner ? vec(m) : none);
      this.R.push(inner ? vec(m) : none);
    }
    this.wTop = vec(L >= 2 ? n[L - 1] : 0);
    this.g = vec(maxW);
    this.zeros = vec(maxW);
    this.rRows = vec(maxW);
    this.nx2 = vec(L + 1);
    this.nd2 = vec(L + 1);
    this.nxA2 = vec(L + 1);
    this.rho = vec(L + 1);
    this.wasm = gdStepReluKernel(this.relu, L)
      ? wasmGdStepRelu({
          depth: L,
          widths: n,
          cW: s.cW,
          cB: s.cB,
          sd: this.sd,
          sdB: this.sdB,
          inputNorm: s.inputNorm,
          lr: s.lr,
          target: s.target,
          scale: s.scale,
          tol2: TOL2,
        })
      : null;
  }

  /**
   * Draws one network and takes the step; false when a value is not finite (overflow or a divergent step).
   * Consumes exactly 4 words of rng per network (the seed of the network's own normal stream).
   */
  sample(rng: Rng): boolean {
    const { relu, phi, dphi, sd, sdB, h, x, delta, bias, A1, C1, nx2, nd2, sums, st } = this;
    const { n, cW, cB, inputNorm, lr, target, scale } = this.s;
    const L = this.depth;
    seedNormalStream(st, rng);
    if (this.wasm) {
      if (!this.wasm.run(st)) return false;
      const r = this.wasm.result;
      this.theta = r[0];
      this.thetaAfter = r[1];
      this.output = r[2];
      this.outputAfter = r[3];
      return true;
    }
    const r2 = inputNorm * inputNorm;
    nx2[0] = r2;
    if (sdB > 0) for (let l = 1; l < L; l++) fillNormals(st, bias[l], n[l], sdB);
    fillNormals(st, this.one, 1, sdB);
    const bL = this.one[0];

    // ---- before the step: forward (Seleznova & Kutyniok 2022, eq. 3), query 1 of every layer: W_l x_{l−1} =
    // ‖x_{l−1}‖·s_l g
    let f: number;
    if (L === 1) {
      fillNormals(st, this.one, 1, sd[1]);
      f = inputNorm * this.one[0] + bL;
    } else {
      for (let l = 1; l < L; l++) {
        fillNormals(st, A1[l], n[l], sd[l]);
        nx2[l] = forward(n[l], Math.sqrt(nx2[l - 1]), A1[l], bias[l], h[l], x[l], relu, phi);
        if (!Number.isFinite(nx2[l])) return false;
      }
      fillNormals(st, this.wTop, n[L - 1], sd[L]); // the output row, whole
      f = dot(n[L - 1], this.wTop, x[L - 1]) + bL;
    }
    // backward (eq. 7), query 2; Θ = Σ_l ‖δ_l‖²(c_W‖x_{l−1}‖² + c_B) (eq. 19)
    let theta = cW[L] * nx2[L - 1] + cB[L];
    if (L >= 2) {
      const top = L - 1;
      nd2[top] = topDelta(
        n[top],
        this.wTop,
        0,
        x[top],
        h[top],
        delta[top],
        top >= 2 ? A1[top] : delta[top],
        relu,
        dphi,
        sums,
      );
      let a1d = sums[0]; // ⟨A₁, δ_l⟩ of the layer about to be queried
      for (let l = L - 1; l >= 1; l--) {
        theta += nd2[l] * (cW[l] * nx2[l - 1] + cB[l]);
        if (!Number.isFinite(theta)) return false;
        if (l === 1) break; // W₁ᵀδ₁ is never needed
        const m = n[l - 1],
          nd = Math.sqrt(nd2[l]),
          nx = Math.sqrt(nx2[l - 1]);
        const invNd = nd > 0 ? 1 / nd : 0,
          invNx = nx > 0 ? 1 / nx : 0;
        fillNormalsDot(st, C1[l], m, x[l - 1], x[l - 1], x[l - 1], sums);
        const qg = sums[0] * invNx; // ⟨q₁, g⟩
        const out = delta[l - 1];
        nd2[l - 1] = backwardBefore(
          m,
          sd[l],
          a1d * invNd - sd[l] * qg,
          invNx,
          nd,
          x[l - 1],
          C1[l],
          h[l - 1],
          out,
          l - 1 >= 2 ? A1[l - 1] : out,
          relu,
          dphi,
          sums,
        );
        a1d = sums[0];
      }
    }
    if (!(Number.isFinite(theta) && Number.isFinite(f))) return false;

    // ---- the step: ε = η(f − y)/α² (App. A.3; App. B.3 read literally, docs/gd-step.md)
    const eps = (lr * (f - target)) / (scale * scale);
    if (!Number.isFinite(eps)) return false;
    if (L === 1) {
      this.thetaAfter = theta; // x′₀ = x₀ and δ_L = 1: the linear model's kernel does not move
      this.outputAfter = f - eps * (cW[1] * r2 + cB[1]);
    } else if (!this.afterStep(eps, bL)) return false;
    // rescaled model (App. B.3): Θ̃ = α²Θ, f̃ = αf
    const a2 = scale * scale;
    this.theta = theta * a2;
    this.thetaAfter *= a2;
    this.output = f * scale;
    this.outputAfter *= scale;
    return (
      Number.isFinite(this.theta) &&
      Number.isFinite(this.thetaAfter) &&
      Number.isFinite(this.output) &&
      Number.isFinite(this.outputAfter)
    );
  }

  /**
   * Forward and backward through W_l − εc_W δ_l x_{l−1}ᵀ, b_l − εc_B δ_l (L ≥ 2): Θ′ into thetaAfter, f′ into
   * outputAfter (unscaled); false if not finite. (No number return: a boxed double per call showed up as GC time.)
   */
  private afterStep(eps: number, bL: number): boolean {
    const { relu, phi, dphi, sd, h, x, delta, bias, hA, xA, dA, A1, C1, A2, R, nx2, nd2, nxA2, rho, sums, st } = this;
    const { n, cW, cB } = this.s;
    const L = this.depth;
    // forward, query 3. Layer 1: x′₀ = x₀, so h′₁ = h₁ − εδ₁(c_W‖x₀‖² + c_B) needs no draw.
    nxA2[0] = nx2[0];
    nxA2[1] = forwardAfterFirst(
      n[1],
      h[1],
      eps * (cW[1] * nx2[0] + cB[1]),
      delta[1],
      x[1],
      hA[1],
      xA[1],
      relu,
      phi,
      sums,
    );
    let cross = sums[0]; // ⟨x_{l−1}, x′_{l−1}⟩
    if (!Number.isFinite(nxA2[1])) return false;
    for (let l = 2; l < L; l++) {
      const m = n[l - 1],
        nl = n[l],
        nx = Math.sqrt(nx2[l - 1]),
        nd = Math.sqrt(nd2[l]);
      const invNx = nx > 0 ? 1 / nx : 0,
        invNd = nd > 0 ? 1 / nd : 0;
      // u₂ = x′_{l−1} = c₁q₁ + ρq₂
      const r2 = remainder1(m, x[l - 1], xA[l - 1], cross * invNx * invNx, R[l], C1[l], sums);
      const c1 = cross * invNx;
      let rh = 0,
        invRho = 0;
      if (r2 > TOL2 * nxA2[l - 1]) {
        rh = Math.sqrt(r2);
        invRho = 1 / rh;
      }
      rho[l] = rh;
      const cq2 = sums[0] * invRho; // ⟨C₁, q₂⟩ (read before the draw below overwrites sums)
      fillNormalsDot(st, A2[l], nl, delta[l], delta[l], delta[l], sums);
      const pg = sums[0] * invNd; // ⟨p₁, g⟩
      const cEps = eps * (cW[l] * cross + cB[l]);
      nxA2[l] = forwardAfterHidden(
        nl,
        sd[l],
        cq2 - sd[l] * pg,
        invNd,
        delta[l],
        A1[l],
        A2[l],
        c1,
        rh,
        bias[l],
        cEps,
        x[l],
        hA[l],
        xA[l],
        relu,
        phi,
        sums,
      );
      cross = sums[0];
      if (!Number.isFinite(nxA2[l])) return false;
    }
    // output: W_L is known whole, f′ = ⟨W_L, x′_{L−1}⟩ + b_L − ε(c_W⟨x_{L−1}, x′_{L−1}⟩ + c_B)
    const mTop = n[L - 1];
    this.outputAfter = dot(mTop, this.wTop, xA[L - 1]) + bL - eps * (cW[L] * cross + cB[L]);
    // backward, query 4. δ′_L = 1; (W_L − εc_W x_{L−1}ᵀ)ᵀ·1 = W_Lᵀ − εc_W x_{L−1}
    let thetaAfter = cW[L] * nxA2[L - 1] + cB[L];
    let ndA2 = topDelta(mTop, this.wTop, eps * cW[L], x[L - 1], hA[L - 1], dA[L - 1], delta[L - 1], relu, dphi, sums);
    let dCross = sums[0]; // ⟨δ_l, δ′_l⟩
    for (let l = L - 1; l >= 1; l--) {
      thetaAfter += ndA2 * (cW[l] * nxA2[l - 1] + cB[l]);
      if (!Number.isFinite(thetaAfter)) return false;
      if (l === 1) break;
      const nl = n[l],
        m = n[l - 1];
      const nd = Math.sqrt(nd2[l]),
        nx = Math.sqrt(nx2[l - 1]);
      const invNd = nd > 0 ? 1 / nd : 0,
        invNx = nx > 0 ? 1 / nx : 0;
      // v₂ = δ′_l = d₁p₁ + τp₂
      const t2 = remainder2(nl, delta[l], dA[l], dCross * invNd * invNd, this.rRows, A1[l], A2[l], sums);
      let tau = 0,
        invTau = 0;
      if (t2 > TOL2 * ndA2) {
        tau = Math.sqrt(t2);
        invTau = 1 / tau;
      }
      const a1p = sums[0] * invTau,
        a2p = sums[1] * invTau; // ⟨A₁, p₂⟩, ⟨A₂, p₂⟩
      const invRho = rho[l] > 0 ? 1 / rho[l] : 0;
      fillNormalsDot(st, this.g, m, x[l - 1], R[l], this.zeros, sums);
      const k1 = a1p - sd[l] * sums[0] * invNx,
        k2 = a2p - sd[l] * sums[1] * invRho;
      ndA2 = backwardAfter(
        m,
        sd[l],
        dCross * invNd,
        tau,
        k1,
        k2,
        invNx,
        invRho,
        eps * cW[l] * dCross,
        x[l - 1],
        R[l],
        C1[l],
        this.g,
        hA[l - 1],
        delta[l - 1],
        dA[l - 1],
        relu,
        dphi,
        sums,
      );
      dCross = sums[0];
    }
    this.thetaAfter = thetaAfter;
    return true;
  }
}

/**
 * n independent networks, one GD step each on the single sample (x, y); exact in distribution, same law as
 * sampleGdStepExact without pairCos. Networks with a non-finite value are counted in `diverged` and left out.
 */
export function sampleGdStepExactFast(spec: GdStepSpec, n: number, rng: Rng): GdStepSamples {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const sampler = new GdStepFastSampler(spec);
  const theta = new Float64Array(n),
    thetaAfter = new Float64Array(n),
    output = new Float64Array(n),
    outputAfter = new Float64Array(n);
  let m = 0;
  for (let t = 0; t < n; t++) {
    if (!sampler.sample(rng)) continue;
    theta[m] = sampler.theta;
    thetaAfter[m] = sampler.thetaAfter;
    output[m] = sampler.output;
    outputAfter[m] = sampler.outputAfter;
    m++;
  }
  const cut = (a: Float64Array) => (m === n ? a : a.slice(0, m));
  return {
    theta: cut(theta),
    thetaAfter: cut(thetaAfter),
    output: cut(output),
    outputAfter: cut(outputAfter),
    diverged: n - m,
  };
}
