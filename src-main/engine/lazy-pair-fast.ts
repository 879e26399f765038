// The lazy-Gaussian NTK sampler (lazy-gaussian.ts) specialized to TWO inputs x, x̃ (⟨x, x̃⟩ = c, unit norms): the same
// law as LazyNtkSampler with inputGram [1, c, c, 1], with every conditional draw of LazyGaussianMatrix written out in
// closed form for k = 2. Each hidden W_l (n_l × n_{l−1}, entries N(0, s²), s² = σ_w²/n_{l−1}, Seleznova & Kutyniok
// 2022, eq. 6) answers
// four queries in order (rotated-frame argument of docs/lazy-gaussian.md: revealed products fix the Q-columns and
// P-rows of W; the rest is untouched):
//   1. W u₁,  u₁ = x_{l−1} = ‖u₁‖q₁:               A₁ := W q₁ = s·g
//   2. W u₂,  u₂ = x̃_{l−1} = c₁q₁ + ρq₂ (q₂ ⊥ q₁): A₂ := W q₂ = s·g′            (q₂ ⊥ q₁: independent of A₁)
//   3. Wᵀv₁,  v₁ = δ_l = ‖v₁‖p₁:                   C₁ := Wᵀp₁ = q₁⟨A₁, p₁⟩ + q₂⟨A₂, p₁⟩ + s(I − q₁q₁ᵀ − q₂q₂ᵀ)g″
//   4. Wᵀv₂,  v₂ = δ̃_l = d₁p₁ + τp₂ (p₂ ⊥ p₁):      Wᵀp₂ = q₁⟨A₁, p₂⟩ + q₂⟨A₂, p₂⟩ + s(I − q₁q₁ᵀ − q₂q₂ᵀ)g‴
// with g, g′, g″, g‴ ~ N(0, I) fresh. Then W u₂ = c₁A₁ + ρA₂ and Wᵀv₂ = d₁C₁ + τWᵀp₂. W₁ acts on the
// two-dimensional frame of the inputs (x = e₁, x̃ = c e₁ + √(1 − c²) e₂), W₁x = s₁g and W₁x̃ = s₁(c g + √(1 − c²) g′);
// the output row W_L is drawn whole (it is all that f and W_Lᵀ·1 need). Numerics and degenerate cases as in
// gd-step-exact-fast.ts: one projection pass per remainder; a zero vector (dead layer) gets a zero basis vector, which
// reduces each formula to the correct one with that direction absent; a remainder below the generic sampler's span
// tolerance counts as zero. NTK (eq. 19): Θ(x_a, x_b) = Σ_l ⟨δ_l^a, δ_l^b⟩(c_W⟨x_{l−1}^a, x_{l−1}^b⟩ + c_B).
import type { Rng } from '../../src-shared/rng';
import { activationFor } from '../../src-shared/network/activations';
import { checkParametrization, layerScales } from '../../src-shared/network/parametrization';
import { fillNormals, fillNormalsDot, seedNormalStream } from './bulk-normals';
import type { LazyNetwork } from './lazy-gaussian';
import { LAZY_MAX_STORED_VALUES } from './lazy-matrix';
import { dots5, PAIR_SPAN_TOL2 as TOL2, queryCoefficients, remainder, remainderDots } from './pair-projection';
import { wasmPairRelu, type WasmPairRelu } from './wasm/kernels';

/** Tests and benchmarks only: `wasm = false` runs ReLU networks in JavaScript instead of the WebAssembly copy of
 *  sample() (wasm/kernels.as.ts pairRelu, bit-identical, used whenever it loads). */
export const PAIR_KERNEL = { wasm: true };

/**
 * h = c₁·A₁ + ρ·A₂ + b, x = φ(h) (ρ = 0: one input's forward product); returns ‖x‖², writes ⟨x, y⟩ to sums[0]
 * (y = the other input's x at this layer, or x itself).
 */
function forward(
  n: number,
  c1: number,
  A1: Float64Array,
  rho: number,
  A2: Float64Array,
  b: Float64Array,
  h: Float64Array,
  x: Float64Array,
  y: Float64Array | null,
  relu: boolean,
  phi: (v: number) => number,
  sums: Float64Array,
): number {
  let n2 = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const v = c1 * A1[i] + rho * A2[i] + b[i];
    h[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v);
    x[i] = xi;
    n2 += xi * xi;
    if (y) cross += y[i] * xi;
  }
  sums[0] = cross;
  return n2;
}

/**
 * Queries 3 and 4 assembled and both backward steps, in one pass: C₁ = k₁·x + k₂·r + s·g (Wᵀp₁), then
 * δ_{l−1} = φ′(h) ⊙ nd·C₁ and δ̃_{l−1} = φ′(h̃) ⊙ (d₁·C₁ + β·x + γ·r + τs·g4) (= Wᵀδ̃_l).
 */
function backwardPair(
  m: number,
  k1: number,
  k2: number,
  s: number,
  x: Float64Array,
  r: Float64Array,
  g: Float64Array,
  g4: Float64Array,
  nd: number,
  d1: number,
  beta: number,
  gamma: number,
  tauS: number,
  h: Float64Array,
  hT: Float64Array,
  out: Float64Array,
  outT: Float64Array,
  relu: boolean,
  dphi: (v: number) => number,
): void {
  for (let j = 0; j < m; j++) {
    const xj = x[j],
      rj = r[j];
    const c = k1 * xj + k2 * rj + s * g[j];
    const hv = h[j],
      hw = hT[j];
    out[j] = (relu ? +(hv > 0) : dphi(hv)) * nd * c;
    outT[j] = (relu ? +(hw > 0) : dphi(hw)) * (d1 * c + beta * xj + gamma * rj + tauS * g4[j]);
  }
}

/**
 * Two-input exact NTK sampler: Θ(x, x), Θ(x̃, x̃) and Θ(x, x̃) of one fresh network per sample(). Same law as
 * LazyNtkSampler on the Gram matrix [1, c, c, 1] (tested against it); buffers are allocated once.
 */
export class LazyPairFastSampler {
  readonly depth: number;
  /** Last network: Θ(x, x), Θ(x̃, x̃), Θ(x, x̃). */
  theta = 0;
  thetaTilde = 0;
  thetaOff = 0;

  private readonly n: number[];
  private readonly cos: number;
  private readonly sin: number;
  private readonly relu: boolean;
  private readonly phi: (v: number) => number;
  private readonly dphi: (v: number) => number;
  private readonly sdB: number;
  private readonly sd: Float64Array; // √(σ_w²/n_{l−1}), l = 1..L
  private readonly termW: Float64Array;
  private readonly termB: Float64Array;
  // per hidden layer l = 1..L−1 (index 0 unused); [0] input x, [1] input x̃
  private readonly h: Float64Array[][];
  private readonly x: Float64Array[][];
  private readonly delta: Float64Array[][];
  private readonly bias: Float64Array[];
  private readonly A1: Float64Array[];
  private readonly A2: Float64Array[];
  private readonly R: Float64Array[]; // ρq₂ (l ≥ 2)
  private readonly rho: Float64Array;
  private readonly nx: Float64Array; // ‖x_l‖
  private readonly gram: Float64Array; // ⟨x_l^a, x_l^b⟩ at 3l + {0: aa, 1: bb, 2: ab}
  private readonly wTop: Float64Array;
  private readonly g: Float64Array; // query 3 draws, then C₁
  private readonly g4: Float64Array; // query 4 draws
  private readonly zeros: Float64Array;
  private readonly one = new Float64Array(1);
  private readonly sums = new Float64Array(2);
  private readonly d5 = new Float64Array(5);
  private readonly k = new Float64Array(2); // query 3: C₁ = k[0]·x + k[1]·r + s·g
  private readonly st = new Int32Array(4);
  private readonly wasm: WasmPairRelu | null; // ReLU: sample() runs there

  constructor(net: LazyNetwork, pairCos: number) {
    const { sigmaW2, sigmaB2, widths } = net;
    const act = net.activation ?? 'relu';
    if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || sigmaW2 <= 0)
      throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
    if (typeof sigmaB2 !== 'number' || !Number.isFinite(sigmaB2) || sigmaB2 < 0)
      throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0 (got ${sigmaB2})`);
    // its ReLU path runs in wasm and its registry φ names the kernel: φ, φ′ ops have no place here
    if (net.ops) throw new RangeError('the two-input sampler takes a registry activation, not φ/φ′ ops');
    const fns = activationFor('samplers', act);
    if (!(typeof pairCos === 'number' && pairCos >= -1 && pairCos <= 1))
      throw new RangeError(`pairCos must lie in [−1, 1] (got ${pairCos})`);
    const L = widths.length;
    if (L < 2) throw new RangeError('LazyPairFastSampler needs L ≥ 2 (use LazyNtkSampler)');
    const n: number[] = [];
    for (let l = 0; l < L; l++) {
      const w = widths[l];
      if (!Number.isInteger(w) || w < 1) throw new RangeError(`widths[${l}] must be an integer ≥ 1 (got ${w})`);
      n.push(w);
    }
    const sin = Math.sqrt(Math.max(0, 1 - pairCos * pairCos));
    if (sin > 0 && n[0] < 2)
      throw new RangeError(`the 2 inputs span 2 dimensions but the input dimension n₀ is ${n[0]}`);
    let stored = 0;
    for (let l = 1; l < L; l++) stored += 10 * n[l] + 4 * n[l - 1];
    if (stored > LAZY_MAX_STORED_VALUES)
      throw new RangeError(
        `network too large for the lazy sampler: about ${stored} stored values for depth ${L} and 2 inputs (limit ${LAZY_MAX_STORED_VALUES})`,
      );
    const param = net.parametrization ?? 'standard';
    checkParametrization(param);

    this.depth = L;
    this.n = n;
    this.cos = pairCos;
    this.sin = sin;
    this.relu = act === 'relu';
    this.phi = fns.phi;
    this.dphi = fns.dphi;
    this.sdB = Math.sqrt(sigmaB2);
    this.sd = new Float64Array(L + 1);
    this.termW = new Float64Array(L + 1);
    this.termB = new Float64Array(L + 1);
    for (let l = 1; l <= L; l++) {
      this.sd[l] = Math.sqrt(sigmaW2 / n[l - 1]);
      const scales = layerScales(param, sigmaW2, sigmaB2, n[l - 1]);
      this.termW[l] = scales.weightKernelFactor;
      this.termB[l] = scales.biasKernelFactor;
    }
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const vec = (len: number) => new Float64Array(len);
    const none = vec(0);
    this.h = [[none, none]];
    this.x = [[none, none]];
    this.delta = [[none, none]];
    this.bias = [none];
    this.A1 = [none];
    this.A2 = [none];
    this.R = [none];
    for (let l = 1; l < L; l++) {
      const nl = n[l];
      this.h.push([vec(nl), vec(nl)]);
      this.x.push([vec(nl), vec(nl)]);
      this.delta.push([vec(nl), vec(nl)]);
      this.bias.push(vec(nl));
      this.A1.push(vec(nl));
      this.A2.push(vec(nl));
      this.R.push(l >= 2 ? vec(n[l - 1]) : none);
    }
    this.rho = vec(L + 1);
    this.nx = vec(L + 1);
    this.gram = vec(3 * (L + 1));
    this.wTop = vec(n[L - 1]);
    this.g = vec(maxW);
    this.g4 = vec(maxW);
    this.zeros = vec(maxW);
    this.wasm =
      PAIR_KERNEL.wasm && this.relu
        ? wasmPairRelu({
            widths: n,
            sd: this.sd,
            termW: this.termW,
            termB: this.termB,
            sdB: this.sdB,
            cos: pairCos,
            sin,
            tol2: TOL2,
          })
        : null;
  }

  /**
   * Draws one network; Θ into theta, thetaTilde, thetaOff. RangeError when a value leaves float64 (as LazyNtkSampler).
   */
  sample(rng: Rng): void {
    const { n, relu, phi, dphi, sd, sdB, termW, termB, h, x, delta, bias, A1, A2, R, rho, nx, gram, sums, st } = this;
    const L = this.depth;
    seedNormalStream(st, rng);
    if (this.wasm) {
      const code = this.wasm.run(st);
      if (code >= 2000) this.overflow(`Θ (summed down to layer ${code - 2000})`);
      if (code >= 1000) this.overflow(`the forward signal ‖x_${code - 1000}‖²`);
      const r = this.wasm.result;
      this.theta = r[0];
      this.thetaTilde = r[1];
      this.thetaOff = r[2];
      return;
    }
    if (sdB > 0) for (let l = 1; l < L; l++) fillNormals(st, bias[l], n[l], sdB);
    fillNormals(st, this.one, 1, sdB); // b_L: f is not reported, but the draw keeps the stream layout fixed

    // forward, queries 1–2. Layer 1 on the input frame: W₁x = s₁g, W₁x̃ = c·s₁g + √(1 − c²)·s₁g′
    gram[0] = 1;
    gram[1] = 1;
    gram[2] = this.cos;
    nx[0] = 1;
    for (let l = 1; l < L; l++) {
      const nl = n[l],
        m = n[l - 1];
      fillNormals(st, A1[l], nl, sd[l]);
      fillNormals(st, A2[l], nl, sd[l]);
      let c1: number, rh: number;
      if (l === 1) {
        gram[3] = forward(nl, 1, A1[1], 0, A2[1], bias[1], h[1][0], x[1][0], null, relu, phi, sums);
        c1 = this.cos;
        rh = this.sin;
      } else {
        // u₁ = x_{l−1} (‖u₁‖ = nx), u₂ = x̃_{l−1} = c₁q₁ + ρq₂ with c₁ = ⟨u₁, u₂⟩/‖u₁‖
        const nrm = nx[l - 1],
          inv = nrm > 0 ? 1 / nrm : 0;
        gram[3 * l] = forward(nl, nrm, A1[l], 0, A2[l], bias[l], h[l][0], x[l][0], null, relu, phi, sums);
        c1 = gram[3 * (l - 1) + 2] * inv;
        const r2 = remainder(m, x[l - 1][0], x[l - 1][1], c1 * inv, R[l]);
        rh = r2 > TOL2 * gram[3 * (l - 1) + 1] ? Math.sqrt(r2) : 0;
      }
      rho[l] = rh;
      gram[3 * l + 1] = forward(nl, c1, A1[l], rh, A2[l], bias[l], h[l][1], x[l][1], x[l][0], relu, phi, sums);
      gram[3 * l + 2] = sums[0];
      nx[l] = Math.sqrt(gram[3 * l]);
      if (!(Number.isFinite(gram[3 * l]) && Number.isFinite(gram[3 * l + 1])))
        this.overflow(`the forward signal ‖x_${l}‖²`);
    }
    // output row W_L, drawn whole; δ_L = 1 for both inputs
    const mTop = n[L - 1];
    fillNormals(st, this.wTop, mTop, sd[L]);
    const top = 3 * (L - 1);
    let tXX = termW[L] * gram[top] + termB[L];
    let tYY = termW[L] * gram[top + 1] + termB[L];
    let tXY = termW[L] * gram[top + 2] + termB[L];
    {
      const hx = h[L - 1][0],
        hy = h[L - 1][1],
        dx = delta[L - 1][0],
        dy = delta[L - 1][1],
        w = this.wTop;
      for (let j = 0; j < mTop; j++) {
        dx[j] = (relu ? +(hx[j] > 0) : dphi(hx[j])) * w[j];
        dy[j] = (relu ? +(hy[j] > 0) : dphi(hy[j])) * w[j];
      }
    }
    // backward, queries 3–4
    for (let l = L - 1; l >= 1; l--) {
      const nl = n[l],
        dx = delta[l][0],
        dy = delta[l][1],
        d5 = this.d5;
      dots5(nl, dx, dy, A1[l], A2[l], d5);
      const dxx = d5[0],
        dyy = d5[1],
        dxy = d5[2];
      const gi = 3 * (l - 1);
      tXX += dxx * (termW[l] * gram[gi] + termB[l]);
      tYY += dyy * (termW[l] * gram[gi + 1] + termB[l]);
      tXY += dxy * (termW[l] * gram[gi + 2] + termB[l]);
      if (!(Number.isFinite(tXX) && Number.isFinite(tYY))) this.overflow(`Θ (summed down to layer ${l})`);
      if (l === 1) break; // W₁ᵀδ₁ is never needed
      const m = n[l - 1],
        s = sd[l];
      const xPrev = x[l - 1][0],
        r = R[l];
      const nrm = nx[l - 1],
        invNx = nrm > 0 ? 1 / nrm : 0,
        rh = rho[l],
        invRho = rh > 0 ? 1 / rh : 0;
      const nd = Math.sqrt(dxx),
        invNd = nd > 0 ? 1 / nd : 0;
      // query 3: C₁ = Wᵀp₁ = q₁(⟨A₁, p₁⟩ − s⟨q₁, g⟩) + q₂(⟨A₂, p₁⟩ − s⟨q₂, g⟩) + s·g
      const a1p = d5[3] * invNd,
        a2p = d5[4] * invNd;
      queryCoefficients(st, this.g, m, xPrev, r, this.zeros, sums, a1p, a2p, s, invNx, invRho, this.k);
      const k1 = this.k[0],
        k2 = this.k[1];
      // query 4: δ̃_l = d₁p₁ + τp₂; Wᵀp₂ = q₁(⟨A₁, p₂⟩ − s⟨q₁, g‴⟩) + q₂(⟨A₂, p₂⟩ − s⟨q₂, g‴⟩) + s·g‴
      const d1 = dxy * invNd;
      const t2 = remainderDots(nl, dx, dy, d1 * invNd, A1[l], A2[l], sums);
      const tau = t2 > TOL2 * dyy ? Math.sqrt(t2) : 0,
        invTau = tau > 0 ? 1 / tau : 0;
      const a1q = sums[0] * invTau,
        a2q = sums[1] * invTau;
      fillNormalsDot(st, this.g4, m, xPrev, r, this.zeros, sums);
      const beta = tau * (a1q - s * sums[0] * invNx) * invNx,
        gamma = tau * (a2q - s * sums[1] * invRho) * invRho;
      backwardPair(
        m,
        k1,
        k2,
        s,
        xPrev,
        r,
        this.g,
        this.g4,
        nd,
        d1,
        beta,
        gamma,
        tau * s,
        h[l - 1][0],
        h[l - 1][1],
        delta[l - 1][0],
        delta[l - 1][1],
        relu,
        dphi,
      );
    }
    this.theta = tXX;
    this.thetaTilde = tYY;
    this.thetaOff = tXY;
  }

  private overflow(what: string): never {
    throw new RangeError(
      `${what} overflowed float64 (depth L = ${this.depth}): Θ is not representable at this depth and σ_w²`,
    );
  }
}
