// One gradient-descent step on a single sample (x, y), sampled exactly in distribution without materializing any
// weight matrix (Seleznova & Kutyniok 2022, Thm 4.1 / App. A.3, Hanin & Nica's setting; derivation: docs/gd-step.md).
// Loss ½(f(x) − y)², so ∂L/∂f = f − y and, with ε := η(f − y),
//   ΔW_l = −ε δ_l x_{l−1}ᵀ (rank one),   Δb_l = −ε δ_l        (App. A.3: Ẇ = −∂L/∂f · δ_l x_{l−1}ᵀ, ḃ = −∂L/∂f · δ_l).
// After the step, (W_l + ΔW_l)u = W_l u − ε δ_l ⟨x_{l−1}, u⟩ and (W_l + ΔW_l)ᵀv = W_lᵀv − ε x_{l−1} ⟨δ_l, v⟩, so the
// post-step passes need only further queries W_l·x′_{l−1}, W_lᵀ·δ′_l to the same LazyGaussianMatrix, each drawn from
// its exact conditional law given every product revealed before the step. O(L·M·k²) per network, k = 1 or 2 inputs.
import { Rng } from '../../src-shared/rng';
import { activationFor, type SamplerActivationName } from '../../src-shared/network/activations';
import { checkParametrization, layerScales, type Parametrization } from '../../src-shared/network/parametrization';
import { normalZiggurat } from './gamma';
import { sampleGdStepExactFast } from './gd-step-exact-fast';
import { LAZY_MAX_STORED_VALUES } from './lazy-gaussian';
import { LazyGaussianMatrix } from './lazy-matrix';

export interface GdStepSpec {
  sigmaW2: number;
  sigmaB2: number;
  /** [n₀, n₁, …, n_{L−1}]: input dimension and hidden widths; depth L = widths.length, n_L = 1. */
  widths: ArrayLike<number>;
  /** Pointwise nonlinearity (default 'relu', as in Seleznova & Kutyniok 2022). */
  activation?: SamplerActivationName;
  /** Learning rate η > 0. */
  lr: number;
  /** Target y of the single training sample. */
  target: number;
  /**
   * Lazy-training rescale α ≠ 0 of Seleznova & Kutyniok 2022, App. B.3 (default 1), read literally: f̃ = α·f, L̃ = L/α²
   * with L = ½(f −
   * y)²
   * the unscaled model's loss. Then Θ̃ = α²Θ and a GD step on L̃ at rate η is the step ΔW = −(η/α²)(f − y)∇f, so
   * E[ΔΘ̃]/E[Θ̃] = (1/α²)·E[ΔΘ]/E[Θ] to first order in η (exactly in gradient flow, as App. B.3 derives it).
   * All reported kernels and outputs are those of the rescaled model (Θ̃, f̃).
   */
  scale?: number;
  /** ‖x‖ (default 1); x̃ has the same norm. */
  inputNorm?: number;
  /**
   * Cosine ⟨x, x̃⟩/‖x‖² of a second input x̃ whose off-diagonal Θ(x, x̃) is tracked across the step (x̃ is not trained
   * on).
   */
  pairCos?: number;
  /**
   * 'standard' (default, Seleznova & Kutyniok 2022, eq. 6): parameters W ~ N(0, σ_w²/n_{l−1}), b ~ N(0, σ_b²).
   * 'ntk': W = (σ_w/√n_{l−1})V, b = σ_b β with V, β ~ N(0, 1) the trained parameters. Same network law at
   * initialization; the kernel is Σ_l ‖δ_l‖²((σ_w²/n_{l−1})‖x_{l−1}‖² + σ_b²) and the step scales accordingly.
   */
  parametrization?: Parametrization;
}

export interface GdStepSamples {
  /** Θ(x, x) before the step, one entry per non-diverged network. */
  theta: Float64Array;
  /** Θ(x, x) after the step. */
  thetaAfter: Float64Array;
  /** Θ(x, x̃) before (with pairCos). */
  thetaOff?: Float64Array;
  /** Θ(x, x̃) after (with pairCos). */
  thetaOffAfter?: Float64Array;
  /** f(x) before the step. */
  output: Float64Array;
  /** f(x) after the step. */
  outputAfter: Float64Array;
  /** Networks with a non-finite value before or after the step (overflow, e.g. a huge η), excluded from the arrays. */
  diverged: number;
  /**
   * The one-input exact sampler (gd-step-exact-fast.ts) only: per kept network ln Θ, ln Θ′, ln|Θ′ − Θ| and the sign
   * of Θ′ − Θ (−1, 0, 1). Finite where Θ′ leaves float64 (theta/thetaAfter then hold +∞; deep chaotic phase).
   */
  logs?: GdStepLogs;
}

export interface GdStepLogs {
  theta: Float64Array;
  thetaAfter: Float64Array;
  absDelta: Float64Array;
  deltaSign: Float64Array;
}

/** Checked and derived parameters shared by the exact and the dense GD-step samplers. */
export interface GdStepSetup {
  sigmaW2: number;
  sigmaB2: number;
  /** n[0..L], n[L] = 1. */
  n: number[];
  depth: number;
  act: SamplerActivationName;
  lr: number;
  target: number;
  scale: number;
  inputNorm: number;
  pairCos: number | undefined;
  /** Kernel/step factor of the weights of layer l (index l = 1..L; 1 in standard parametrization). */
  cW: Float64Array;
  /** Kernel/step factor of the bias of layer l (1 in standard parametrization). */
  cB: Float64Array;
}

const PLACEHOLDER_RNG = new Rng(0); // matrices get the caller's Rng on reset() before any draw
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a GdStepSpec (RangeError with a readable message on bad input) and derives the per-layer factors. */
export function gdStepSetup(spec: GdStepSpec): GdStepSetup {
  const { sigmaW2, sigmaB2, widths, lr, target } = spec;
  if (!finite(sigmaW2) || sigmaW2 <= 0)
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
  if (!finite(sigmaB2) || sigmaB2 < 0)
    throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0 (got ${sigmaB2})`);
  if (!finite(lr) || lr <= 0) throw new RangeError(`learning rate η must be a finite number > 0 (got ${lr})`);
  if (!finite(target)) throw new RangeError(`target y must be a finite number (got ${target})`);
  const scale = spec.scale ?? 1;
  if (!finite(scale) || scale === 0) throw new RangeError(`scale α must be a finite non-zero number (got ${scale})`);
  const inputNorm = spec.inputNorm ?? 1;
  if (!finite(inputNorm) || inputNorm <= 0)
    throw new RangeError(`inputNorm ‖x‖ must be a finite number > 0 (got ${inputNorm})`);
  const c = spec.pairCos;
  if (c !== undefined && (!finite(c) || c < -1 || c > 1))
    throw new RangeError(`pairCos must lie in [−1, 1] (got ${c})`);
  const act = spec.activation ?? 'relu';
  activationFor('samplers', act); // a RangeError naming the samplers' activations for any other name
  const param = spec.parametrization ?? 'standard';
  checkParametrization(param);
  if (!widths || typeof widths.length !== 'number' || widths.length < 1)
    throw new RangeError('widths must list n₀ and the hidden widths (at least n₀)');
  const L = widths.length;
  const n: number[] = [];
  for (let l = 0; l < L; l++) {
    const w = widths[l];
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`widths[${l}] must be an integer ≥ 1 (got ${w})`);
    n.push(w);
  }
  n.push(1);
  if (c !== undefined && Math.abs(c) < 1 && n[0] < 2)
    throw new RangeError('pairCos strictly inside (−1, 1) needs an input dimension n₀ ≥ 2');
  const cW = new Float64Array(L + 1),
    cB = new Float64Array(L + 1);
  for (let l = 1; l <= L; l++) {
    const scales = layerScales(param, sigmaW2, sigmaB2, n[l - 1]);
    cW[l] = scales.weightKernelFactor;
    cB[l] = scales.biasKernelFactor;
  }
  return { sigmaW2, sigmaB2, n, depth: L, act, lr, target, scale, inputNorm, pairCos: c, cW, cB };
}

/**
 * Draws networks one at a time and takes one GD step on (x, y) for each. Buffers are allocated once; sample()
 * allocates nothing.
 */
export class GdStepExactSampler {
  readonly k: number;
  readonly depth: number;
  /** Last network: Θ(x_a, x_b) before the step (k×k row-major). */
  readonly theta: Float64Array;
  /** Last network: Θ(x_a, x_b) after the step. */
  readonly thetaAfter: Float64Array;
  /** Last network: f(x_a) before / after (rescaled by α). */
  readonly outputs: Float64Array;
  readonly outputsAfter: Float64Array;

  private readonly s: GdStepSetup;
  private readonly phi: (x: number) => number;
  private readonly dphi: (x: number) => number;
  private readonly sdB: number;
  private readonly mats: LazyGaussianMatrix[]; // mats[l] = W_l, l = 1..L
  private readonly x0: Float64Array[]; // inputs in a k-dimensional orthonormal frame
  private readonly h: Float64Array[][]; // before: h[l][a], l = 1..L−1
  private readonly x: Float64Array[][]; // before: x[l][a] (kept for every layer: ΔW_{l+1} needs x_l)
  private readonly delta: Float64Array[][]; // before: δ[l][a]
  private readonly bias: Float64Array[]; // b_l (drawn only when σ_b > 0)
  private readonly hA: Float64Array[][]; // after: h′[l][a]
  private readonly xA: Float64Array[][]; // after: x′[l][a], views into two alternating buffers (xA[0] = inputs)
  private readonly dA: Float64Array[][]; // after: δ′[l][a], views into two alternating buffers
  private readonly xGram: Float64Array; // ⟨x_l^a, x_l^b⟩ at l·k² + a·k + b, l = 0..L−1
  private readonly xGramA: Float64Array; // ⟨x′_l^a, x′_l^b⟩
  private readonly deltaTop: Float64Array; // W_Lᵀ·1
  private readonly tmp: Float64Array[]; // tmp[l]: scratch of length n_{l−1} for W_lᵀ δ′_l
  private readonly one = new Float64Array([1]);
  private readonly fOut = new Float64Array(1);
  private readonly xCross = new Float64Array(2); // ⟨x_{l−1}^0, x′_{l−1}^a⟩
  private readonly dCross = new Float64Array(2); // ⟨δ_l^0, δ′_l^a⟩

  constructor(spec: GdStepSpec) {
    const s = gdStepSetup(spec);
    const { n, depth: L } = s;
    const k = s.pairCos === undefined ? 1 : 2;
    let stored = 0;
    for (let l = 1; l <= L; l++) stored += 2 * k * (2 * (l === 1 ? k : n[l - 1]) + 4 * n[l]) + 6 * k * n[l];
    if (stored > LAZY_MAX_STORED_VALUES)
      throw new RangeError(
        `network too large for the exact GD-step sampler: about ${stored} stored values for depth ${L} (limit ${LAZY_MAX_STORED_VALUES})`,
      );
    this.s = s;
    this.k = k;
    this.depth = L;
    const fns = activationFor('samplers', s.act);
    this.phi = fns.phi;
    this.dphi = fns.dphi;
    this.sdB = Math.sqrt(s.sigmaB2);
    this.theta = new Float64Array(k * k);
    this.thetaAfter = new Float64Array(k * k);
    this.outputs = new Float64Array(k);
    this.outputsAfter = new Float64Array(k);

    // inputs: x = r e₁, x̃ = r(c e₁ + √(1−c²) e₂); rotation invariance makes any such pair equivalent
    const r = s.inputNorm;
    this.x0 = [new Float64Array(k)];
    this.x0[0][0] = r;
    if (k === 2) {
      const c = s.pairCos!;
      const xt = new Float64Array(2);
      xt[0] = r * c;
      xt[1] = r * Math.sqrt(Math.max(0, 1 - c * c));
      this.x0.push(xt);
    }
    this.mats = [new LazyGaussianMatrix(1, 1, 0, PLACEHOLDER_RNG)]; // index 0 unused (layers are 1-based)
    for (let l = 1; l <= L; l++) {
      // layer 1 acts on the k-dimensional frame of the inputs; its variance still carries n₀ (Seleznova & Kutyniok
      // 2022, eq. 6)
      const cols = l === 1 ? k : n[l - 1];
      this.mats[l] = new LazyGaussianMatrix(n[l], cols, s.sigmaW2 / n[l - 1], PLACEHOLDER_RNG, 2 * k);
    }
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const perInput = (len: number) => Array.from({ length: k }, () => new Float64Array(len));
    this.h = [[]];
    this.x = [this.x0];
    this.delta = [[]];
    this.bias = [new Float64Array(0)];
    this.hA = [[]];
    this.xA = [this.x0];
    this.dA = [[]];
    const xBuf = [perInput(maxW), perInput(maxW)],
      dBuf = [perInput(maxW), perInput(maxW)];
    const tmpBuf = new Float64Array(maxW);
    this.tmp = [tmpBuf];
    for (let l = 1; l < L; l++) {
      this.h.push(perInput(n[l]));
      this.x.push(perInput(n[l]));
      this.delta.push(perInput(n[l]));
      this.hA.push(perInput(n[l]));
      this.bias.push(new Float64Array(this.sdB > 0 ? n[l] : 0));
      this.xA.push(xBuf[l & 1].map((b) => b.subarray(0, n[l])));
      this.dA.push(dBuf[l & 1].map((b) => b.subarray(0, n[l])));
      this.tmp.push(tmpBuf.subarray(0, n[l - 1]));
    }
    this.xGram = new Float64Array(L * k * k);
    this.xGramA = new Float64Array(L * k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let d = 0;
        for (let j = 0; j < k; j++) d += this.x0[a][j] * this.x0[b][j];
        this.xGram[a * k + b] = d;
        this.xGramA[a * k + b] = d;
      }
    this.deltaTop = new Float64Array(n[L - 1]);
  }

  /**
   * Draws one network and takes the step. Returns false (and leaves theta/thetaAfter partly filled) when a value
   * is not finite: overflow before the step (Θ beyond float64) or a divergent step.
   */
  sample(rng: Rng): boolean {
    try {
      return this.draw(rng);
    } catch (err) {
      // a query vector that overflowed inside the lazy matrix (finite entries, infinite norm): a divergent network
      if (err instanceof RangeError && /non-finite/.test(err.message)) return false;
      throw err;
    }
  }

  private draw(rng: Rng): boolean {
    const { k, mats, h, x, delta, bias, phi, dphi, xGram, theta } = this;
    const { n, cW, cB } = this.s;
    const L = this.depth;

    // ---- before the step: forward h_l = W_l x_{l−1} + b_l, x_l = φ(h_l) (Seleznova & Kutyniok 2022, eq. 3)
    for (let l = 1; l < L; l++) {
      const W = mats[l],
        nl = n[l],
        bl = bias[l];
      W.reset(rng);
      if (this.sdB > 0) for (let i = 0; i < nl; i++) bl[i] = normalZiggurat(rng) * this.sdB;
      for (let a = 0; a < k; a++) {
        const ha = h[l][a],
          xa = x[l][a];
        W.mulInto(x[l - 1][a], ha);
        if (this.sdB > 0) for (let i = 0; i < nl; i++) ha[i] += bl[i];
        for (let i = 0; i < nl; i++) xa[i] = phi(ha[i]);
      }
      if (!gram(x[l], nl, xGram, l * k * k)) return false;
    }
    const WL = mats[L];
    WL.reset(rng);
    const bL = this.sdB > 0 ? normalZiggurat(rng) * this.sdB : 0;
    for (let a = 0; a < k; a++) {
      WL.mulInto(x[L - 1][a], this.fOut);
      this.outputs[a] = this.fOut[0] + bL;
    }
    // backward: δ_L = 1, δ_l = φ′(h_l) ⊙ W_{l+1}ᵀ δ_{l+1} (eq. 7); Θ = Σ_l ⟨δ_l^a, δ_l^b⟩(cW_l⟨x_{l−1}^a, x_{l−1}^b⟩ +
    // cB_l) (eq. 19)
    const top = (L - 1) * k * k;
    for (let i = 0; i < k * k; i++) theta[i] = cW[L] * xGram[top + i] + cB[L];
    if (L > 1) {
      WL.mulTInto(this.one, this.deltaTop);
      const nTop = n[L - 1];
      for (let a = 0; a < k; a++) {
        const da = delta[L - 1][a],
          ha = h[L - 1][a];
        for (let i = 0; i < nTop; i++) da[i] = dphi(ha[i]) * this.deltaTop[i];
      }
      for (let l = L - 1; l >= 1; l--) {
        addKernelTerm(delta[l], n[l], xGram, (l - 1) * k * k, cW[l], cB[l], theta);
        if (!Number.isFinite(theta[0]) || !Number.isFinite(theta[k * k - 1])) return false;
        if (l === 1) break; // W₁ᵀδ₁ is never needed
        const W = mats[l],
          nPrev = n[l - 1];
        for (let a = 0; a < k; a++) {
          const dPrev = delta[l - 1][a],
            hPrev = h[l - 1][a];
          W.mulTInto(delta[l][a], dPrev);
          for (let i = 0; i < nPrev; i++) dPrev[i] *= dphi(hPrev[i]);
        }
      }
    }
    if (!(Number.isFinite(theta[0]) && Number.isFinite(theta[k * k - 1]) && Number.isFinite(this.outputs[0])))
      return false;

    // ---- the step. App. B.3 (literal): f̃ = αf, L̃ = ½(f − y)²/α², so ε = η(f − y)/α²
    const { lr, target, scale } = this.s;
    const eps = (lr * (this.outputs[0] - target)) / (scale * scale);
    if (!Number.isFinite(eps)) return false;
    return this.afterStep(eps, bL) && this.finish();
  }

  /** Forward and backward through W_l − ε cW_l δ_l x_{l−1}ᵀ, b_l − ε cB_l δ_l (δ, x of input 0 before the step). */
  private afterStep(eps: number, bL: number): boolean {
    const { k, mats, h, x, delta, bias, phi, dphi, hA, xA, dA, xGramA, thetaAfter, xCross, dCross } = this;
    const { n, cW, cB } = this.s;
    const L = this.depth;
    // layer 1: x′₀ = x₀, so h′₁ = h₁ − ε δ₁ (cW₁⟨x₀, x₀^a⟩ + cB₁) needs no new draw
    for (let l = 1; l < L; l++) {
      const nl = n[l],
        d0 = delta[l][0];
      const xPrev = xA[l - 1];
      const xOld = x[l - 1][0];
      const nPrev = l === 1 ? k : n[l - 1];
      for (let a = 0; a < k; a++) {
        let s = 0;
        const xp = xPrev[a];
        for (let j = 0; j < nPrev; j++) s += xOld[j] * xp[j];
        xCross[a] = s;
      }
      for (let a = 0; a < k; a++) {
        const ha = hA[l][a],
          xa = xA[l][a];
        if (l === 1) ha.set(h[1][a]);
        else {
          mats[l].mulInto(xPrev[a], ha);
          if (this.sdB > 0) {
            const bl = bias[l];
            for (let i = 0; i < nl; i++) ha[i] += bl[i];
          }
        }
        const c = eps * (cW[l] * xCross[a] + cB[l]);
        for (let i = 0; i < nl; i++) {
          const v = ha[i] - c * d0[i];
          ha[i] = v;
          xa[i] = phi(v);
        }
      }
      if (!gram(xA[l], nl, xGramA, l * k * k)) return false;
    }
    // output after the step
    const xTop = xA[L - 1];
    const nTop = L === 1 ? k : n[L - 1];
    const xOldTop = x[L - 1][0];
    for (let a = 0; a < k; a++) {
      const xp = xTop[a];
      let s = 0;
      for (let j = 0; j < nTop; j++) s += xOldTop[j] * xp[j];
      mats[L].mulInto(xp, this.fOut);
      this.outputsAfter[a] = this.fOut[0] + bL - eps * (cW[L] * s + cB[L]);
    }
    // backward: δ′_L = 1; W′_Lᵀ·1 = W_Lᵀ·1 − ε cW_L x_{L−1} (δ_L = 1)
    const topOff = (L - 1) * k * k;
    for (let i = 0; i < k * k; i++) thetaAfter[i] = cW[L] * xGramA[topOff + i] + cB[L];
    if (L === 1) return true;
    {
      const cTop = eps * cW[L];
      for (let a = 0; a < k; a++) {
        const da = dA[L - 1][a],
          ha = hA[L - 1][a];
        for (let i = 0; i < nTop; i++) da[i] = dphi(ha[i]) * (this.deltaTop[i] - cTop * xOldTop[i]);
      }
    }
    for (let l = L - 1; l >= 1; l--) {
      const nl = n[l],
        cur = dA[l];
      addKernelTerm(cur, nl, xGramA, (l - 1) * k * k, cW[l], cB[l], thetaAfter);
      if (!Number.isFinite(thetaAfter[0]) || !Number.isFinite(thetaAfter[k * k - 1])) return false;
      if (l === 1) break;
      // δ′_{l−1} = φ′(h′_{l−1}) ⊙ (W_lᵀδ′_l − ε cW_l x_{l−1} ⟨δ_l, δ′_l⟩)
      const d0 = delta[l][0],
        xOld = x[l - 1][0],
        nPrev = n[l - 1],
        prev = dA[l - 1];
      for (let a = 0; a < k; a++) {
        const da = cur[a];
        let s = 0;
        for (let i = 0; i < nl; i++) s += d0[i] * da[i];
        dCross[a] = s;
      }
      const tmp = this.tmp[l];
      for (let a = 0; a < k; a++) {
        mats[l].mulTInto(cur[a], tmp);
        const c = eps * cW[l] * dCross[a];
        const out = prev[a],
          hPrev = hA[l - 1][a];
        for (let i = 0; i < nPrev; i++) out[i] = dphi(hPrev[i]) * (tmp[i] - c * xOld[i]);
      }
    }
    return true;
  }

  /**
   * Hidden layer l (1 ≤ l ≤ L−1) of the last network for input a: h_l, δ_l before the step and h′_l after it.
   * Views into internal buffers: read-only, valid until the next sample().
   */
  layer(l: number, a = 0): { h: Float64Array; delta: Float64Array; hAfter: Float64Array } {
    if (!Number.isInteger(l) || l < 1 || l >= this.depth)
      throw new RangeError(`layer index must be an integer in [1, ${this.depth - 1}] (got ${l})`);
    if (!Number.isInteger(a) || a < 0 || a >= this.k)
      throw new RangeError(`input index must be an integer in [0, ${this.k - 1}] (got ${a})`);
    return { h: this.h[l][a], delta: this.delta[l][a], hAfter: this.hA[l][a] };
  }

  /** Applies the rescale Θ̃ = α²Θ, f̃ = αf (App. B.3) and checks finiteness. */
  private finish(): boolean {
    const { k, theta, thetaAfter, outputs, outputsAfter } = this;
    const a = this.s.scale,
      a2 = a * a;
    for (let i = 0; i < k * k; i++) {
      theta[i] *= a2;
      thetaAfter[i] *= a2;
      if (!Number.isFinite(theta[i]) || !Number.isFinite(thetaAfter[i])) return false;
    }
    for (let i = 0; i < k; i++) {
      outputs[i] *= a;
      outputsAfter[i] *= a;
      if (!Number.isFinite(outputsAfter[i]) || !Number.isFinite(outputs[i])) return false;
    }
    return true;
  }
}

/** Upper triangle of ⟨v_a, v_b⟩ over the first len entries, written symmetrically; false if not finite. */
function gram(vs: Float64Array[], len: number, out: Float64Array, off: number): boolean {
  const k = vs.length;
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      const va = vs[a],
        vb = vs[b];
      let s = 0;
      for (let i = 0; i < len; i++) s += va[i] * vb[i];
      out[off + a * k + b] = s;
      out[off + b * k + a] = s;
    }
  for (let a = 0; a < k; a++) if (!Number.isFinite(out[off + a * k + a])) return false;
  return true;
}

/** theta_ab += ⟨δ^a, δ^b⟩(cW·G_ab + cB) over the first len entries of each δ. */
function addKernelTerm(
  ds: Float64Array[],
  len: number,
  G: Float64Array,
  off: number,
  cW: number,
  cB: number,
  theta: Float64Array,
): void {
  const k = ds.length;
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      const da = ds[a],
        db = ds[b];
      let s = 0;
      for (let i = 0; i < len; i++) s += da[i] * db[i];
      const t = s * (cW * G[off + a * k + b] + cB);
      theta[a * k + b] += t;
      if (b !== a) theta[b * k + a] += t;
    }
}

/**
 * n independent networks, one GD step each on (x, y); exact in distribution (no gradient-independence assumption).
 * Networks with a non-finite value (overflow) are counted in `diverged` and left out of the arrays.
 */
export function sampleGdStepExact(spec: GdStepSpec, n: number, rng: Rng): GdStepSamples {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  // one input: the same law, drawn by the closed-form k = 1 sampler (gd-step-exact-fast.ts, ~3× faster)
  if (spec.pairCos === undefined) return sampleGdStepExactFast(spec, n, rng);
  const sampler = new GdStepExactSampler(spec);
  const pair = sampler.k === 2;
  const theta = new Float64Array(n),
    thetaAfter = new Float64Array(n),
    output = new Float64Array(n),
    outputAfter = new Float64Array(n);
  const thetaOff = pair ? new Float64Array(n) : undefined,
    thetaOffAfter = pair ? new Float64Array(n) : undefined;
  let m = 0;
  for (let t = 0; t < n; t++) {
    if (!sampler.sample(rng)) continue;
    theta[m] = sampler.theta[0];
    thetaAfter[m] = sampler.thetaAfter[0];
    output[m] = sampler.outputs[0];
    outputAfter[m] = sampler.outputsAfter[0];
    if (pair) {
      thetaOff![m] = sampler.theta[1];
      thetaOffAfter![m] = sampler.thetaAfter[1];
    }
    m++;
  }
  return packSamples(theta, thetaAfter, output, outputAfter, thetaOff, thetaOffAfter, m, n - m);
}

/** Trims the per-network arrays to the m kept networks. */
export function packSamples(
  theta: Float64Array,
  thetaAfter: Float64Array,
  output: Float64Array,
  outputAfter: Float64Array,
  thetaOff: Float64Array | undefined,
  thetaOffAfter: Float64Array | undefined,
  m: number,
  diverged: number,
): GdStepSamples {
  const cut = (a: Float64Array) => (a.length === m ? a : a.slice(0, m));
  const out: GdStepSamples = {
    theta: cut(theta),
    thetaAfter: cut(thetaAfter),
    output: cut(output),
    outputAfter: cut(outputAfter),
    diverged,
  };
  if (thetaOff && thetaOffAfter) {
    out.thetaOff = cut(thetaOff);
    out.thetaOffAfter = cut(thetaOffAfter);
  }
  return out;
}
