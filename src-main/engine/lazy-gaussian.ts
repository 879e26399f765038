// NTK of a random fully-connected network on k inputs, sampled exactly in distribution without materializing any
// weight matrix: every W_l is a LazyGaussianMatrix and only the k forward products W_l·x_{l−1} and the k backward
// products W_lᵀ·δ_l are drawn, O(L·M·k²) per network instead of O(L·M²) (derivation: docs/lazy-gaussian.md).
// Network as Seleznova & Kutyniok 2022, eq. (3) with any pointwise φ: h_l = W_l x_{l−1} + b_l, x_l = φ(h_l) (1 ≤ l ≤
// L−1),
// f = W_L x_{L−1} + b_L; standard parametrization W_l ~ N(0, σ_w²/n_{l−1}), b_l ~ N(0, σ_b²) (eq. 6).
// Backward (eq. 7): δ_L = 1, δ_l = φ′(h_l) ⊙ W_{l+1}ᵀ δ_{l+1}. NTK (eq. 19 and the proof of Thm A.9):
//   Θ(x_a, x_b) = Σ_{l=1}^{L} ⟨δ_l^a, δ_l^b⟩ (⟨x_{l−1}^a, x_{l−1}^b⟩ + 1)   (the +1 is the trainable bias b_l).
import { Rng } from '../../src-shared/rng';
import { activationFor, type SamplerActivationName } from '../../src-shared/network/activations';
import { checkParametrization, layerScales, type Parametrization } from '../../src-shared/network/parametrization';
import { normalZiggurat } from './gamma';
import { LAZY_MAX_STORED_VALUES, LazyGaussianMatrix } from './lazy-matrix';
import { LazyPairFastSampler } from './lazy-pair-fast';

export interface LazySpec {
  sigmaW2: number;
  sigmaB2: number;
  /** [n₀, n₁, …, n_{L−1}]: input dimension and hidden widths; depth L = widths.length, n_L = 1. */
  widths: ArrayLike<number>;
  /** Pointwise nonlinearity (default 'relu', as in Seleznova & Kutyniok 2022). */
  activation?: SamplerActivationName;
  /** Cosine ⟨x, x̃⟩ of a second unit input; when given, Θ(x̃, x̃) and Θ(x, x̃) are sampled too. */
  pairCos?: number;
  /**
   * Which parameters the kernel differentiates (default 'standard', Seleznova & Kutyniok 2022, eq. 6). 'ntk' (Xiao et
   * al. 2020): W = (σ_w/√n)V,
   * b = σ_b β with V, β trained — the same network in distribution, and the same δ_l, but each layer's term is
   * ⟨δ_l, δ̃_l⟩((σ_w²/n_{l−1})⟨x_{l−1}, x̃_{l−1}⟩ + σ_b²): the kernel of the infinite-width NTK recursions.
   */
  parametrization?: Parametrization;
}

/**
 * The network part of LazySpec (no inputs). `ops` replaces the registry's φ, φ′ (e.g. the DKS-transformed φ̂,
 * dks-chain-block.ts); only LazyNtkSampler reads it.
 */
export type LazyNetwork = Omit<LazySpec, 'pairCos'> & {
  ops?: { phi: (x: number) => number; dphi: (x: number) => number };
};

export interface LazySamples {
  /** Θ(x, x) per network. */
  theta: Float64Array;
  /** Θ(x̃, x̃) per network (only with pairCos). */
  thetaTilde?: Float64Array;
  /** Θ(x, x̃) per network (only with pairCos). */
  thetaOff?: Float64Array;
}

/** Tests and benchmarks only: `fast = false` samples pairs with the generic LazyNtkSampler instead of the closed-form
 *  two-input sampler (lazy-pair-fast.ts) that sampleLazyGaussian uses for L ≥ 2. */
export const LAZY_PAIR_KERNEL = { fast: true };

export { LAZY_MAX_STORED_VALUES } from './lazy-matrix';

/** Whether sampleLazyGaussian draws these inputs with the closed-form two-input sampler (lazy-pair-fast.ts). */
export function pairClosedForm(pairCos: number | undefined, depth: number): boolean {
  return pairCos !== undefined && depth >= 2 && LAZY_PAIR_KERNEL.fast;
}

const PLACEHOLDER_RNG = new Rng(0); // matrices get the caller's Rng on reset() before any draw
const PLACEHOLDER_MATRIX = new LazyGaussianMatrix(1, 1, 0, PLACEHOLDER_RNG); // fills index 0 of the 1-based layer list

/**
 * Samples the k×k NTK Gram matrix Θ(x_a, x_b) of fresh random networks for k fixed inputs given by their Gram
 * matrix ⟨x_a, x_b⟩. Buffers are allocated once; each sample() draws a new, independent network.
 */
export class LazyNtkSampler {
  /** Number of inputs. */
  readonly k: number;
  /** Depth L (number of weight layers). */
  readonly depth: number;
  /** f(x_a) of the most recently sampled network, a = 0..k−1. */
  readonly outputs: Float64Array;

  private readonly n: number[]; // n[0..L], n[L] = 1
  private readonly sdB: number;
  private readonly termW: Float64Array; // per-layer factor of ⟨x_{l−1}, x̃_{l−1}⟩ in Θ (index l = 1..L)
  private readonly termB: Float64Array; // per-layer bias term of Θ
  private readonly phi: (x: number) => number;
  private readonly dphi: (x: number) => number;
  private readonly mats: LazyGaussianMatrix[]; // mats[l] = W_l, l = 1..L (index 0 unused)
  private readonly h: Float64Array[][]; // h[l][a] = pre-activation h_l(x_a), l = 1..L−1
  private readonly x: Float64Array[][]; // x[l][a] = x_l(x_a); x[0][a] = input coordinates (k-dimensional frame)
  private readonly delta: Float64Array[][]; // delta[l][a] = δ_l(x_a), l = 1..L−1
  private readonly xGram: Float64Array; // ⟨x_l^a, x_l^b⟩ at [l·k² + a·k + b], l = 0..L−1
  private readonly bias: Float64Array;
  private readonly deltaTop: Float64Array; // W_Lᵀ·1
  private readonly one = new Float64Array([1]);
  private readonly fOut = new Float64Array(1);

  /**
   * @param net weights, biases, widths and φ
   * @param inputGram k×k row-major Gram matrix ⟨x_a, x_b⟩ of the inputs (symmetric positive semidefinite; seed
   *   004 uses unit inputs, ‖x⁰‖ = 1). Its rank must not exceed n₀.
   */
  constructor(net: LazyNetwork, inputGram: ArrayLike<number>) {
    const { sigmaW2, sigmaB2, widths } = net;
    const act = net.activation ?? 'relu';
    if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || sigmaW2 <= 0)
      throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
    if (typeof sigmaB2 !== 'number' || !Number.isFinite(sigmaB2) || sigmaB2 < 0)
      throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0 (got ${sigmaB2})`);
    const fns = net.ops ?? activationFor('samplers', act);
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
    const k = Math.round(Math.sqrt(inputGram.length));
    if (k < 1 || k * k !== inputGram.length)
      throw new RangeError(`inputGram must be a non-empty k×k matrix (got ${inputGram.length} entries)`);
    const { coords, rank } = inputCoordinates(inputGram, k);
    if (rank > n[0])
      throw new RangeError(`the ${k} inputs span ${rank} dimensions but the input dimension n₀ is ${n[0]}`);

    // state: per layer Q, A, P, C (≤ k vectors each), h and δ; plus two alternating x buffers
    let stored = 0;
    for (let l = 1; l <= L; l++) stored += k * (2 * (l === 1 ? k : n[l - 1]) + 4 * n[l]);
    if (stored > LAZY_MAX_STORED_VALUES)
      throw new RangeError(
        `network too large for the lazy sampler: about ${stored} stored values for depth ${L} and ${k} inputs (limit ${LAZY_MAX_STORED_VALUES})`,
      );

    this.k = k;
    this.depth = L;
    this.n = n;
    this.sdB = Math.sqrt(sigmaB2);
    const param = net.parametrization ?? 'standard';
    checkParametrization(param);
    this.termW = new Float64Array(L + 1);
    this.termB = new Float64Array(L + 1);
    for (let l = 1; l <= L; l++) {
      const scales = layerScales(param, sigmaW2, sigmaB2, n[l - 1]);
      this.termW[l] = scales.weightKernelFactor;
      this.termB[l] = scales.biasKernelFactor;
    }
    this.phi = fns.phi;
    this.dphi = fns.dphi;
    this.outputs = new Float64Array(k);

    this.mats = [PLACEHOLDER_MATRIX];
    for (let l = 1; l <= L; l++) {
      // layer 1 acts on the k-dimensional frame of the inputs; its variance still carries n₀ (W₁x ~ N(0, σ_w²‖x‖²/n₀
      // I))
      const cols = l === 1 ? k : n[l - 1];
      this.mats.push(new LazyGaussianMatrix(n[l], cols, sigmaW2 / n[l - 1], PLACEHOLDER_RNG, k));
    }
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const xBuf = [new Float64Array(k * maxW), new Float64Array(k * maxW)];
    this.h = [[]];
    this.x = [Array.from({ length: k }, (_, a) => coords.subarray(a * k, (a + 1) * k))];
    this.delta = [[]];
    for (let l = 1; l < L; l++) {
      const hl = new Float64Array(k * n[l]);
      this.h.push(Array.from({ length: k }, (_, a) => hl.subarray(a * n[l], (a + 1) * n[l])));
      this.x.push(Array.from({ length: k }, (_, a) => xBuf[l % 2].subarray(a * maxW, a * maxW + n[l])));
      const dl = new Float64Array(k * n[l]);
      this.delta.push(Array.from({ length: k }, (_, a) => dl.subarray(a * n[l], (a + 1) * n[l])));
    }
    this.xGram = new Float64Array(L * k * k);
    for (let i = 0; i < k * k; i++) this.xGram[i] = inputGram[i];
    this.bias = new Float64Array(maxW);
    this.deltaTop = new Float64Array(n[L - 1]);
  }

  /** Draws one network and returns its NTK Gram matrix Θ(x_a, x_b) (k×k row-major, into theta if given). */
  sample(rng: Rng, theta: Float64Array = new Float64Array(this.k * this.k)): Float64Array {
    const { k, n, mats, h, x, delta, xGram, bias, phi, dphi } = this;
    const L = this.depth;
    if (theta.length !== k * k) throw new RangeError(`theta must have length ${k * k}`);

    // forward: h_l = W_l x_{l−1} + b_l, x_l = φ(h_l); keep h_l for φ′ and the Gram ⟨x_l^a, x_l^b⟩
    for (let l = 1; l < L; l++) {
      const W = mats[l],
        nl = n[l];
      W.reset(rng);
      this.drawBias(rng, nl);
      for (let a = 0; a < k; a++) {
        const ha = h[l][a],
          xa = x[l][a];
        W.mulInto(x[l - 1][a], ha);
        if (this.sdB > 0) for (let i = 0; i < nl; i++) ha[i] += bias[i];
        for (let i = 0; i < nl; i++) xa[i] = phi(ha[i]);
      }
      gram(x[l], nl, xGram, l * k * k);
      for (let a = 0; a < k; a++)
        if (!Number.isFinite(xGram[l * k * k + a * k + a])) this.overflow(`the forward signal ‖x_${l}‖²`);
    }
    // output f = W_L x_{L−1} + b_L (drawn so that the backward pass is conditioned on it, as in the real network)
    const WL = mats[L];
    WL.reset(rng);
    const bL = this.sdB > 0 ? normalZiggurat(rng) * this.sdB : 0;
    for (let a = 0; a < k; a++) {
      WL.mulInto(x[L - 1][a], this.fOut);
      this.outputs[a] = this.fOut[0] + bL;
    }

    // backward. Layer L: δ_L = 1 for every input, so its term is ⟨x_{L−1}^a, x_{L−1}^b⟩ + 1
    const topOff = (L - 1) * k * k;
    for (let i = 0; i < k * k; i++) theta[i] = this.termW[L] * xGram[topOff + i] + this.termB[L];
    if (L === 1) return theta;
    WL.mulTInto(this.one, this.deltaTop);
    const nTop = n[L - 1];
    for (let a = 0; a < k; a++) {
      const da = delta[L - 1][a],
        ha = h[L - 1][a];
      for (let i = 0; i < nTop; i++) da[i] = dphi(ha[i]) * this.deltaTop[i];
    }
    for (let l = L - 1; l >= 1; l--) {
      const nl = n[l],
        gOff = (l - 1) * k * k;
      for (let a = 0; a < k; a++)
        for (let b = a; b < k; b++) {
          const da = delta[l][a],
            db = delta[l][b];
          let s = 0;
          for (let i = 0; i < nl; i++) s += da[i] * db[i];
          const t = s * (this.termW[l] * xGram[gOff + a * k + b] + this.termB[l]);
          theta[a * k + b] += t;
          if (b !== a) theta[b * k + a] += t;
        }
      for (let a = 0; a < k; a++)
        if (!Number.isFinite(theta[a * k + a])) this.overflow(`Θ (summed down to layer ${l})`);
      if (l === 1) break;
      // δ_{l−1} = φ′(h_{l−1}) ⊙ W_lᵀ δ_l (layer 1's W₁ᵀδ₁ is never needed: its term uses ⟨x⁰_a, x⁰_b⟩ only)
      const W = mats[l],
        nPrev = n[l - 1];
      for (let a = 0; a < k; a++) {
        const dPrev = delta[l - 1][a],
          hPrev = h[l - 1][a];
        W.mulTInto(delta[l][a], dPrev);
        for (let i = 0; i < nPrev; i++) dPrev[i] *= dphi(hPrev[i]);
      }
    }
    return theta;
  }

  /**
   * Hidden layer l (1 ≤ l ≤ L−1) of the last sampled network for input a: pre-activation h_l(x_a) and backpropagated
   * δ_l(x_a) = ∂f(x_a)/∂h_l (eq. 7), e.g. for the rank-one first-step update ΔW_l ∝ δ_l x_{l−1}ᵀ. Views into internal
   * buffers: read-only, valid until the next sample().
   */
  layer(l: number, a: number): { h: Float64Array; delta: Float64Array } {
    if (!Number.isInteger(l) || l < 1 || l >= this.depth)
      throw new RangeError(`layer index must be an integer in [1, ${this.depth - 1}] (got ${l})`);
    if (!Number.isInteger(a) || a < 0 || a >= this.k)
      throw new RangeError(`input index must be an integer in [0, ${this.k - 1}] (got ${a})`);
    return { h: this.h[l][a], delta: this.delta[l][a] };
  }

  private overflow(what: string): never {
    // e.g. ReLU in the chaotic phase: Θ grows like a^{L−1}·L (Seleznova & Kutyniok 2022, eq. 11) and leaves float64
    // near a^L ≈ 1e308
    throw new RangeError(
      `${what} overflowed float64 (depth L = ${this.depth}): Θ is not representable at this depth and σ_w²`,
    );
  }

  private drawBias(rng: Rng, len: number): void {
    if (this.sdB === 0) return;
    for (let i = 0; i < len; i++) this.bias[i] = normalZiggurat(rng) * this.sdB;
  }
}

/** Upper triangle of ⟨v_a, v_b⟩ (length len) written symmetrically into out at offset off. */
export function gram(vs: Float64Array[], len: number, out: Float64Array, off: number): void {
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
}

/**
 * Coordinates of k inputs with Gram matrix G in a k-dimensional orthonormal frame: the rows of the (semidefinite)
 * Cholesky factor, x_a = Σ_j L_aj e_j. Everything downstream is rotation invariant, so only these coordinates matter.
 */
function inputCoordinates(G: ArrayLike<number>, k: number): { coords: Float64Array; rank: number } {
  let scale = 0;
  for (let i = 0; i < k * k; i++) {
    if (!Number.isFinite(G[i])) throw new RangeError('inputGram has a non-finite entry');
    scale = Math.max(scale, Math.abs(G[i]));
  }
  for (let a = 0; a < k; a++) {
    if (G[a * k + a] < 0) throw new RangeError('inputGram must have a non-negative diagonal (squared norms)');
    for (let b = 0; b < a; b++)
      if (Math.abs(G[a * k + b] - G[b * k + a]) > 1e-12 * scale) throw new RangeError('inputGram must be symmetric');
  }
  const Lc = new Float64Array(k * k);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    let d = G[j * k + j];
    for (let m = 0; m < j; m++) d -= Lc[j * k + m] ** 2;
    const pivotTol = 1e-12 * Math.max(G[j * k + j], Number.MIN_VALUE);
    if (d < -1e-9 * Math.max(scale, Number.MIN_VALUE))
      throw new RangeError('inputGram is not positive semidefinite (|cos| > 1?)');
    if (d <= pivotTol) {
      // x_j lies in the span of the earlier inputs: its remaining off-diagonal residuals must vanish too
      for (let i = j + 1; i < k; i++) {
        let s = G[i * k + j];
        for (let m = 0; m < j; m++) s -= Lc[i * k + m] * Lc[j * k + m];
        if (Math.abs(s) > 1e-6 * Math.sqrt(Math.max(G[i * k + i], 0) * Math.max(G[j * k + j], 0)) + 1e-300)
          throw new RangeError('inputGram is not positive semidefinite');
      }
      continue;
    }
    rank++;
    const piv = Math.sqrt(d);
    Lc[j * k + j] = piv;
    for (let i = j + 1; i < k; i++) {
      let s = G[i * k + j];
      for (let m = 0; m < j; m++) s -= Lc[i * k + m] * Lc[j * k + m];
      Lc[i * k + j] = s / piv;
    }
  }
  return { coords: Lc, rank };
}

/**
 * n independent networks' NTK on a unit input x (and, with pairCos, on a second unit input x̃ with ⟨x, x̃⟩ = pairCos
 * exactly): Θ(x, x), Θ(x̃, x̃) and Θ(x, x̃). Exact in distribution (no gradient-independence assumption).
 */
export function sampleLazyGaussian(spec: LazySpec, n: number, rng: Rng): LazySamples {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const c = spec.pairCos;
  if (c !== undefined && (typeof c !== 'number' || !Number.isFinite(c) || c < -1 || c > 1))
    throw new RangeError(`pairCos must lie in [−1, 1] (got ${c})`);
  const theta = new Float64Array(n);
  if (c !== undefined && pairClosedForm(c, spec.widths.length)) {
    // two inputs: the closed-form k = 2 sampler (lazy-pair-fast.ts), same law
    const fast = new LazyPairFastSampler(spec, c);
    const thetaTilde = new Float64Array(n),
      thetaOff = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      fast.sample(rng);
      theta[s] = fast.theta;
      thetaOff[s] = fast.thetaOff;
      thetaTilde[s] = fast.thetaTilde;
    }
    return { theta, thetaTilde, thetaOff };
  }
  const sampler = new LazyNtkSampler(spec, c === undefined ? [1] : [1, c, c, 1]);
  if (c === undefined) {
    const t = new Float64Array(1);
    for (let s = 0; s < n; s++) theta[s] = sampler.sample(rng, t)[0];
    return { theta };
  }
  const thetaTilde = new Float64Array(n),
    thetaOff = new Float64Array(n);
  const t = new Float64Array(4);
  for (let s = 0; s < n; s++) {
    sampler.sample(rng, t);
    theta[s] = t[0];
    thetaOff[s] = t[1];
    thetaTilde[s] = t[3];
  }
  return { theta, thetaTilde, thetaOff };
}
