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
import { activationFor, type SamplerActivationName } from '../../src-shared/network/activations';
import { gdStepSetup, type GdStepSamples, type GdStepSpec, type GdStepSetup } from './gd-step-exact';
import { LAZY_MAX_STORED_VALUES } from './lazy-gaussian';
import { fillNormals, fillNormalsDot, seedNormalStream } from './bulk-normals';
import {
  backwardBefore,
  dot,
  exponentOf,
  forward,
  logOf,
  pow2,
  rescaleBy,
  ScaledSum,
  scaleBy,
  TOL2,
  type ScaledPhi,
  topDelta,
  valueOf,
} from './gd-step-fast-passes';
import { wasmGdStepRelu, type WasmGdStepRelu } from './wasm/kernels';
import { afterStep, type FastSamplerState } from './gd-step-fast-after';

/**
 * Tests and benchmarks only. `wasm = false` runs ReLU networks in JavaScript instead of the WebAssembly copy of
 * sample() (wasm/kernels.as.ts gdStepRelu, bit-identical, used whenever it loads). `rescaleLimit`: a vector is
 * divided by a power of two once its squared norm exceeds 2^rescaleLimit (gd-step-fast-passes.ts); 0 rescales at
 * every layer, which must not change any value. Read when a sampler (one input or a pair) is constructed.
 */
export const GD_STEP_KERNEL = { wasm: true, rescaleLimit: 128 };

/** What both exact GD-step samplers take from φ (gd-step-fast-passes.ts header). */
export interface GdStepActivation {
  /** φ and φ′ of a pre-activation given as mantissa at a binary exponent. */
  phi: ScaledPhi;
  dphi: ScaledPhi;
  /** Squared norm above which x and h are rescaled: ∞ (never) where φ allows no rescaling (tanh, erf). */
  limitX: number;
  /** Squared norm above which δ and δ′ are rescaled (always: the backward pass is linear in δ). */
  limitDelta: number;
}

/**
 * φ for the GD-step samplers, with the rescale limit 2^GD_STEP_KERNEL.rescaleLimit (checked). x and h rescale where
 * φ(2^{−k}h) = 2^{−k}φ(h) (homogeneous) or φ has a `scaled` pair (GELU: φ and φ′ then read the exponent).
 */
export function gdStepActivation(act: SamplerActivationName): GdStepActivation {
  const rescaleLimit = GD_STEP_KERNEL.rescaleLimit;
  if (!(Number.isInteger(rescaleLimit) && rescaleLimit >= 0 && rescaleLimit <= 240))
    throw new RangeError(`rescaleLimit must be an integer in [0, 240] (got ${rescaleLimit})`);
  const fns = activationFor('samplers', act);
  const limit = pow2(rescaleLimit);
  return {
    phi: fns.scaled?.phi ?? fns.phi,
    dphi: fns.scaled?.dphi ?? fns.dphi,
    limitX: fns.homogeneous || fns.scaled !== undefined ? limit : Infinity,
    limitDelta: limit,
  };
}

/**
 * The deepest network the WebAssembly kernel runs: it keeps binary exponents in int32, and they grow like L² bits
 * (≈ 6L² at σ_w² = 16, η up to 10⁶), so below 8 192 layers they stay 5× inside int32. Deeper ones run in
 * JavaScript, whose exponents are float64 integers.
 */
export const WASM_GD_STEP_MAX_DEPTH = 8192;

/** Whether GdStepFastSampler runs its networks in WebAssembly (when the module loads): ReLU with 2 ≤ L ≤ 8 192. */
export function gdStepReluKernel(relu: boolean, depth: number): boolean {
  return GD_STEP_KERNEL.wasm && relu && depth >= 2 && depth <= WASM_GD_STEP_MAX_DEPTH;
}

export { fillNormals, seedNormalStream } from './bulk-normals';

/**
 * One-input exact GD-step sampler: draws networks one at a time and takes one GD step on (x, y) for each. Same law
 * as GdStepExactSampler without pairCos (tested against it); buffers are allocated once, sample() allocates nothing.
 * Vectors are carried as mantissa·2^exponent (gd-step-fast-passes.ts: all of them for ReLU and linear, the backward
 * ones for any other φ), so Θ and Θ′ stay finite as logarithms where their values leave float64. The buffers
 * are readonly fields, not private, because the after-step half lives in gd-step-fast-after.ts (FastSamplerState):
 * internal state, not an API.
 */
export class GdStepFastSampler implements FastSamplerState {
  readonly depth: number;
  /**
   * Last network: Θ(x, x) before / after the step, f(x) before / after (all of the α-rescaled model); ±∞ beyond
   * float64.
   */
  theta = 0;
  thetaAfter = 0;
  output = 0;
  outputAfter = 0;
  /** Last network: ln Θ, ln Θ′, ln|Θ′ − Θ| and the sign of Θ′ − Θ, finite where the values above are not. */
  logTheta = 0;
  logThetaAfter = 0;
  logAbsDelta = 0;
  deltaSign = 0;

  readonly s: GdStepSetup;
  readonly relu: boolean;
  readonly phi: ScaledPhi;
  readonly dphi: ScaledPhi;
  private readonly sdB: number;
  readonly sd: Float64Array; // weight sd of layer l: √(σ_w²/n_{l−1})
  // per hidden layer l = 1..L−1 (index 0 unused)
  readonly h: Float64Array[];
  readonly x: Float64Array[]; // x[0] = [‖x‖] (the input in its one-dimensional frame)
  readonly delta: Float64Array[];
  readonly bias: Float64Array[]; // zeros when σ_b = 0
  readonly hA: Float64Array[];
  readonly xA: Float64Array[]; // views into two alternating buffers
  readonly dA: Float64Array[]; // views into two alternating buffers
  readonly A1: Float64Array[]; // W_l q₁ (l ≥ 2)
  readonly C1: Float64Array[]; // W_lᵀ p₁ (l ≥ 2)
  readonly A2: Float64Array[]; // W_l q₂ (l ≥ 2)
  readonly R: Float64Array[]; // ρq₂ (l ≥ 2)
  readonly wTop: Float64Array; // W_L as a vector
  readonly g: Float64Array; // scratch: fresh normals of query 4
  readonly rRows: Float64Array; // scratch: τp₂
  // per-layer scalars, index l (of the mantissas: ‖x_l‖² = 2^{2 ex_l}·nx2[l], …)
  readonly nx2: Float64Array; // ‖x_l‖²
  readonly nd2: Float64Array; // ‖δ_l‖²
  readonly nxA2: Float64Array; // ‖x′_l‖²
  readonly rho: Float64Array; // ρ of query 3 at layer l (exponent exA[l − 1])
  // binary exponents of x_l (and h_l), δ_l, x′_l (and h′_l), δ′_l
  readonly ex: Float64Array; // integers, exact to 2^53: they grow ∝ L² bits (≈ 6L² at σ_w² = 16), past int32
  readonly ed: Float64Array;
  readonly exA: Float64Array;
  readonly edA: Float64Array;
  /**
   * Squared norms above these are rescaled: `limit` for x, h (∞: never, for an activation that is not homogeneous,
   * whose h′ is then taken at its true scale), `limitDelta` for δ (always: the backward pass is linear in δ).
   */
  readonly limit: number;
  readonly limitDelta: number;
  readonly thetaSum = new ScaledSum();
  readonly sums = new Float64Array(2);
  private readonly one = new Float64Array(1); // scratch for scalar draws
  readonly zeros: Float64Array;
  readonly st = new Int32Array(4); // the network's normal stream (seedNormalStream)
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
    this.relu = s.act === 'relu';
    const act = gdStepActivation(s.act);
    this.phi = act.phi;
    this.dphi = act.dphi;
    this.limit = act.limitX;
    this.limitDelta = act.limitDelta;
    const rescaleLimit = GD_STEP_KERNEL.rescaleLimit;
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
    this.ex = new Float64Array(L + 1);
    this.ed = new Float64Array(L + 1);
    this.exA = new Float64Array(L + 1);
    this.edA = new Float64Array(L + 1);
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
          rescaleLimit,
        })
      : null;
  }

  /**
   * Draws one network and takes the step; false when a value is not finite even as mantissa and exponent (a
   * divergent step of a non-homogeneous φ, or NaN). Consumes exactly 4 words of rng per network (the seed of the
   * network's own normal stream).
   */
  sample(rng: Rng): boolean {
    const { relu, phi, dphi, sd, sdB, h, x, delta, bias, A1, C1, nx2, nd2, sums, st, ex, ed, limit } = this;
    const { n, cW, cB, inputNorm, lr, target, scale } = this.s;
    const L = this.depth;
    seedNormalStream(st, rng);
    if (this.wasm) {
      if (!this.wasm.run(st)) return false;
      const r = this.wasm.result;
      return this.finish(r[0], r[4], r[1], r[5], r[2], r[6], r[3], r[7]);
    }
    const r2 = inputNorm * inputNorm;
    nx2[0] = r2;
    ex[0] = 0;
    if (sdB > 0) for (let l = 1; l < L; l++) fillNormals(st, bias[l], n[l], sdB);
    fillNormals(st, this.one, 1, sdB);
    const bL = this.one[0];

    // ---- before the step: forward (Seleznova & Kutyniok 2022, eq. 3), query 1 of every layer: W_l x_{l−1} =
    // ‖x_{l−1}‖·s_l g; x_l = 2^{ex_l}·x[l]
    let f: number; // f = 2^{ef}·f
    let ef = 0;
    if (L === 1) {
      fillNormals(st, this.one, 1, sd[1]);
      f = inputNorm * this.one[0] + bL;
    } else {
      for (let l = 1; l < L; l++) {
        fillNormals(st, A1[l], n[l], sd[l]);
        const e = ex[l - 1];
        let v = forward(n[l], Math.sqrt(nx2[l - 1]), A1[l], bias[l], pow2(-e), h[l], x[l], relu, phi, e);
        if (!Number.isFinite(v)) return false;
        const k = rescaleBy(v, e, limit);
        if (k !== 0 && v !== 0) {
          const s = pow2(-k);
          scaleBy(n[l], x[l], s);
          scaleBy(n[l], h[l], s);
          v *= pow2(-2 * k);
        }
        nx2[l] = v;
        ex[l] = e + k;
      }
      fillNormals(st, this.wTop, n[L - 1], sd[L]); // the output row, whole
      ef = ex[L - 1];
      f = dot(n[L - 1], this.wTop, x[L - 1]) + bL * pow2(-ef);
    }
    // backward (eq. 7), query 2; Θ = Σ_l ‖δ_l‖²(c_W‖x_{l−1}‖² + c_B) (eq. 19), δ_l = 2^{ed_l}·delta[l]
    const theta = this.thetaSum;
    theta.set(cW[L] * nx2[L - 1] + cB[L] * pow2(-2 * ex[L - 1]), 2 * ex[L - 1]);
    if (L >= 2) {
      const top = L - 1;
      ed[top] = 0;
      nd2[top] = topDelta(
        n[top],
        this.wTop,
        1,
        0,
        x[top],
        h[top],
        delta[top],
        top >= 2 ? A1[top] : delta[top],
        relu,
        dphi,
        ex[top],
        sums,
      );
      let a1d = this.shrinkDelta(top, sums[0]); // ⟨A₁, δ_l⟩ of the layer about to be queried
      for (let l = L - 1; l >= 1; l--) {
        theta.add(nd2[l] * (cW[l] * nx2[l - 1] + cB[l] * pow2(-2 * ex[l - 1])), 2 * (ed[l] + ex[l - 1]));
        if (!Number.isFinite(theta.m)) return false;
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
          ex[l - 1],
          sums,
        );
        ed[l - 1] = ed[l];
        a1d = this.shrinkDelta(l - 1, sums[0]);
      }
    }
    if (!(Number.isFinite(theta.m) && Number.isFinite(f))) return false;
    const thetaM = theta.m,
      thetaE = theta.e;

    // ---- the step: ε = η(f − y)/α² (App. A.3; App. B.3 read literally, docs/gd-step.md), ε = 2^{ee}·eps
    let eps = (lr * (f - target * pow2(-ef))) / (scale * scale);
    if (!Number.isFinite(eps)) return false;
    let ee = ef;
    if (limit !== Infinity) {
      // |ε| ≥ 2^512 leaves ε² infinite: bring ε itself to [1, 2) (homogeneous φ only: otherwise h′ is taken at its
      // true scale, and an ε that large takes it to ±∞, which a bounded φ maps to ±1 and φ′ to 0)
      const k = eps * eps === Infinity ? exponentOf(eps) : rescaleBy(eps * eps, ee, limit);
      if (eps !== 0) eps *= pow2(-k);
      ee += k;
    }
    let outA: number, outAE: number, thA: number, thAE: number;
    if (L === 1) {
      // x′₀ = x₀ and δ_L = 1: the linear model's kernel does not move
      [thA, thAE] = [thetaM, thetaE];
      outAE = ee;
      outA = f * pow2(-ee) - eps * (cW[1] * r2 + cB[1]);
    } else {
      if (!afterStep(this, eps, ee, bL)) return false;
      [thA, thAE, outA, outAE] = [this.thetaSum.m, this.thetaSum.e, this.outA, this.outAE];
    }
    // rescaled model (App. B.3): Θ̃ = α²Θ, f̃ = αf
    const a2 = scale * scale;
    return this.finish(thetaM * a2, thetaE, thA * a2, thAE, f * scale, ef, outA * scale, outAE);
  }

  /** After a new δ_l (squared norm in nd2[l]): rescales it by 2^{−k} (rescaleBy); returns `cross`·2^{−k}. */
  private shrinkDelta(l: number, cross: number): number {
    const v = this.nd2[l];
    const k = rescaleBy(v, this.ed[l], this.limitDelta);
    if (k === 0) return cross;
    this.ed[l] += k;
    if (v === 0) return cross; // δ_l = 0: nothing to scale (rescaleBy)
    scaleBy(this.s.n[l], this.delta[l], pow2(-k));
    this.nd2[l] = v * pow2(-2 * k);
    return cross * pow2(-k);
  }

  /** f′ of the last afterStep() as mantissa and exponent. */
  outA = 0;
  outAE = 0;

  /** The values and logarithms of the last network from its mantissa–exponent pairs; false if one is not finite. */
  private finish(
    th: number,
    thE: number,
    thA: number,
    thAE: number,
    fo: number,
    fE: number,
    foA: number,
    foAE: number,
  ) {
    if (!(Number.isFinite(th) && Number.isFinite(thA) && Number.isFinite(fo) && Number.isFinite(foA))) return false;
    this.theta = valueOf(th, thE);
    this.thetaAfter = valueOf(thA, thAE);
    this.output = valueOf(fo, fE);
    this.outputAfter = valueOf(foA, foAE);
    this.logTheta = logOf(th, thE);
    this.logThetaAfter = logOf(thA, thAE);
    // ΔΘ on the larger exponent: the plain Θ′ − Θ times a power of two
    const E = Math.max(thE, thAE);
    const d = thA * pow2(thAE - E) - th * pow2(thE - E);
    this.logAbsDelta = logOf(d, E);
    this.deltaSign = Math.sign(d);
    return true;
  }
}

/**
 * n independent networks, one GD step each on the single sample (x, y); exact in distribution, same law as
 * sampleGdStepExact without pairCos. Networks with a non-finite value are counted in `diverged` and left out; Θ, Θ′
 * beyond float64 are kept (±∞ in theta/thetaAfter) with their logarithms in `logs`.
 */
export function sampleGdStepExactFast(spec: GdStepSpec, n: number, rng: Rng): GdStepSamples {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const sampler = new GdStepFastSampler(spec);
  const theta = new Float64Array(n),
    thetaAfter = new Float64Array(n),
    output = new Float64Array(n),
    outputAfter = new Float64Array(n);
  const logTheta = new Float64Array(n),
    logThetaAfter = new Float64Array(n),
    logAbsDelta = new Float64Array(n),
    deltaSign = new Float64Array(n);
  let m = 0;
  for (let t = 0; t < n; t++) {
    if (!sampler.sample(rng)) continue;
    theta[m] = sampler.theta;
    thetaAfter[m] = sampler.thetaAfter;
    output[m] = sampler.output;
    outputAfter[m] = sampler.outputAfter;
    logTheta[m] = sampler.logTheta;
    logThetaAfter[m] = sampler.logThetaAfter;
    logAbsDelta[m] = sampler.logAbsDelta;
    deltaSign[m] = sampler.deltaSign;
    m++;
  }
  const cut = (a: Float64Array) => (m === n ? a : a.slice(0, m));
  return {
    theta: cut(theta),
    thetaAfter: cut(thetaAfter),
    output: cut(output),
    outputAfter: cut(outputAfter),
    diverged: n - m,
    logs: {
      theta: cut(logTheta),
      thetaAfter: cut(logThetaAfter),
      absDelta: cut(logAbsDelta),
      deltaSign: cut(deltaSign),
    },
  };
}
