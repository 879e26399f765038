// The finite-width NTK of the freeze/chaos networks (Jacot et al. 2019, "Freeze and Chaos for DNNs", Sec. 2.1) on two
// inputs, with every conditional draw of the lazy Gaussian weights written out in closed form: the same law as
// FreezeChaosPairSampler (freeze-chaos-sampler.ts, generic LazyGaussianMatrix queries; tested against it), the
// approach of lazy-pair-fast.ts. Each hidden W_ℓ (n_ℓ × n_{ℓ−1}, entries N(0, s²), s² = (1 − β²)/n_{ℓ−1}) answers four
// queries in order (rotated-frame argument of docs/lazy-gaussian.md):
//   1. W u₁, u₁ = α^{(ℓ−1)}(x) = ‖u₁‖q₁:              A₁ := W q₁ = s·g
//   2. W u₂, u₂ = α^{(ℓ−1)}(y) = c₁q₁ + ρq₂ (q₂ ⊥ q₁): A₂ := W q₂ = s·g′
//   3. Wᵀv₁, v₁ = δ_ℓ(x) = ‖v₁‖p₁:                    C₁ := Wᵀp₁ = q₁⟨A₁, p₁⟩ + q₂⟨A₂, p₁⟩ + s(I − q₁q₁ᵀ − q₂q₂ᵀ)g″
//   4. Wᵀv₂, v₂ = δ_ℓ(y) = d₁p₁ + τp₂ (p₂ ⊥ p₁):       Wᵀp₂ = q₁⟨A₁, p₂⟩ + q₂⟨A₂, p₂⟩ + s(I − q₁q₁ᵀ − q₂q₂ᵀ)g‴
// with g, g′, g″, g‴ ~ N(0, I) fresh. W₁ acts on the inputs' frame (on the √n₀-sphere: ‖x‖²/n₀ = 1, xᵀy/n₀ = ρ), so
// α̃^{(1)}(x) = √(1 − β²)g + βb and α̃^{(1)}(y) = √(1 − β²)(ρg + √(1 − ρ²)g′) + βb; the output row W_L is drawn whole.
// The forward pass keeps σ̇(α̃) (not α̃): one σ/σ̇ evaluation per unit. A zero vector (dead layer) gets a zero basis
// vector, which removes that direction from every formula; a remainder below the generic sampler's span tolerance
// counts as zero. Θ(x, y) = Σ_ℓ ⟨δ_ℓ(x), δ_ℓ(y)⟩((1 − β²)/n_{ℓ−1}·⟨α^{(ℓ−1)}(x), α^{(ℓ−1)}(y)⟩ + β²).
import type { Rng } from '../../src-shared/rng';
import type { Nonlinearity } from '../../src-shared/theory/freeze-chaos/index';
import { fillNormals, seedNormalStream } from './bulk-normals';
import { validateFreezeChaosNetwork, type FreezeChaosNetwork } from './freeze-chaos-sampler';
import { dots5, PAIR_SPAN_TOL2 as TOL2, queryCoefficients, remainder, remainderDots } from './pair-projection';

/** The inlining hint for a standardized/normalized ReLU or tanh (FreezeChaosNetwork.inline); undefined otherwise. */
export function inlineFor(nl: Nonlinearity): FreezeChaosNetwork['inline'] {
  const phi = nl.base.name;
  return phi === 'relu' || phi === 'tanh' ? { phi, scale: nl.scale, shift: nl.shift } : undefined;
}

/** What forward() needs besides the layer's vectors; one object per sampler. */
interface Act {
  /** 0: σ, σ̇ from both(); 1: ReLU, 2: tanh, inlined as σ = scale·(φ − shift), σ̇ = scale·φ′. */
  inline: number;
  scale: number;
  shift: number;
  both: (v: number, out: Float64Array) => void;
  pair: Float64Array;
  sums: Float64Array;
}

/**
 * h = c₁A₁ + ρA₂ + b; x ← σ(h), sl ← σ̇(h); returns ‖x‖² and writes ⟨x, y⟩ to act.sums[0] (y = the other input's α
 * at this layer, or null).
 */
function forward(
  n: number,
  c1: number,
  A1: Float64Array,
  rho: number,
  A2: Float64Array,
  b: Float64Array,
  x: Float64Array,
  sl: Float64Array,
  y: Float64Array | null,
  act: Act,
): number {
  const { inline, scale, shift, both, pair } = act;
  let n2 = 0,
    cross = 0;
  if (inline === 1) {
    for (let i = 0; i < n; i++) {
      const v = c1 * A1[i] + rho * A2[i] + b[i];
      const xi = scale * ((v > 0 ? v : 0) - shift);
      x[i] = xi;
      sl[i] = v > 0 ? scale : 0;
      n2 += xi * xi;
    }
  } else if (inline === 2) {
    for (let i = 0; i < n; i++) {
      const v = c1 * A1[i] + rho * A2[i] + b[i];
      // tanh|v| = −e/(2 + e), e = expm1(−2|v|): one exp-class call, no cancellation, 1 − tanh² as 4(1+e)/(2+e)²
      const e = Math.expm1(-2 * Math.abs(v)),
        q = 2 + e;
      const t = -e / q;
      const xi = scale * ((v < 0 ? -t : t) - shift);
      x[i] = xi;
      sl[i] = (scale * 4 * (1 + e)) / (q * q);
      n2 += xi * xi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      both(c1 * A1[i] + rho * A2[i] + b[i], pair);
      const xi = pair[0];
      x[i] = xi;
      sl[i] = pair[1];
      n2 += xi * xi;
    }
  }
  if (y) for (let i = 0; i < n; i++) cross += y[i] * x[i];
  act.sums[0] = cross;
  return n2;
}

/** Draws Θ(x,x), Θ(y,y), Θ(x,y) of fresh independent networks, O(L·M) per network; buffers are allocated once. */
export class FreezeChaosFastSampler {
  private readonly L: number;
  private readonly M: number;
  private readonly beta: number;
  private readonly w2: number;
  private readonly cos: number;
  private readonly sin: number;
  private readonly rng: Rng;
  private readonly act: Act;
  // per hidden layer ℓ = 1..L−1 (index 0 unused); [0] input x, [1] input y
  private readonly x: Float64Array[][];
  private readonly slope: Float64Array[][];
  private readonly delta: Float64Array[][];
  private readonly A1: Float64Array[];
  private readonly A2: Float64Array[];
  private readonly R: Float64Array[]; // ρq₂ = α^{(ℓ−1)}(y) − κα^{(ℓ−1)}(x), ℓ ≥ 2
  private readonly rho: Float64Array;
  private readonly nx: Float64Array; // ‖α^{(ℓ)}(x)‖
  private readonly gram: Float64Array; // ⟨α^{(ℓ)}(x_a), α^{(ℓ)}(x_b)⟩ at 3ℓ + {0: xx, 1: yy, 2: xy}
  private readonly bias: Float64Array;
  private readonly wTop: Float64Array;
  private readonly g: Float64Array;
  private readonly g4: Float64Array;
  private readonly zeros: Float64Array;
  private readonly sums = new Float64Array(2);
  private readonly d5 = new Float64Array(5);
  private readonly k = new Float64Array(2);
  private readonly st = new Int32Array(4);

  constructor(net: FreezeChaosNetwork, rng: Rng) {
    validateFreezeChaosNetwork(net);
    const { sigma, dsigma } = net;
    this.act = {
      both:
        net.sigmaDsigma?.bind(net) ??
        ((v, out) => {
          out[0] = sigma(v);
          out[1] = dsigma(v);
        }),
      inline: net.inline ? (net.inline.phi === 'relu' ? 1 : 2) : 0,
      scale: net.inline ? net.inline.scale : 1,
      shift: net.inline ? net.inline.shift : 0,
      pair: new Float64Array(2),
      sums: this.sums,
    };
    this.rng = rng;
    this.L = net.depth;
    this.M = net.width;
    this.beta = net.beta;
    this.w2 = 1 - net.beta * net.beta;
    this.cos = net.cos;
    this.sin = Math.sqrt(Math.max(0, 1 - net.cos * net.cos));
    const L = this.L,
      M = this.M;
    const vec = (len: number) => new Float64Array(len);
    const none = vec(0);
    const hidden = (make: () => Float64Array) => [none, ...Array.from({ length: Math.max(0, L - 1) }, make)];
    this.x = hidden(() => none).map((_, l) => (l === 0 ? [none, none] : [vec(M), vec(M)]));
    this.slope = this.x.map((_, l) => (l === 0 ? [none, none] : [vec(M), vec(M)]));
    this.delta = this.x.map((_, l) => (l === 0 ? [none, none] : [vec(M), vec(M)]));
    this.A1 = hidden(() => vec(M));
    this.A2 = hidden(() => vec(M));
    this.R = hidden(() => vec(M));
    this.rho = vec(L + 1);
    this.nx = vec(L + 1);
    this.gram = vec(3 * (L + 1));
    this.bias = vec(M);
    this.wTop = vec(M);
    this.g = vec(M);
    this.g4 = vec(M);
    this.zeros = vec(M);
  }

  /** One network: out[0] = Θ(x,x), out[1] = Θ(y,y), out[2] = Θ(x,y). */
  sample(out: Float64Array): void {
    const { L, M, beta, w2, x, slope, delta, A1, A2, R, rho, nx, gram, sums, st, act, k } = this;
    const b2 = beta * beta;
    if (L === 1) {
      // Θ = Σ^{(1)}: deterministic
      out[0] = w2 + b2;
      out[1] = w2 + b2;
      out[2] = w2 * this.cos + b2;
      return;
    }
    seedNormalStream(st, this.rng);
    const sdW = Math.sqrt(w2 / M);
    // forward, queries 1–2; layer 1 on the inputs' frame (gram = 1, 1, ρ after dividing by n₀)
    gram[0] = 1;
    gram[1] = 1;
    gram[2] = this.cos;
    nx[0] = 1;
    for (let l = 1; l < L; l++) {
      const s = l === 1 ? Math.sqrt(w2) : sdW;
      fillNormals(st, A1[l], M, s);
      fillNormals(st, A2[l], M, s);
      fillNormals(st, this.bias, M, beta);
      let c1: number, rh: number;
      const nrm = nx[l - 1];
      gram[3 * l] = forward(M, nrm, A1[l], 0, A2[l], this.bias, x[l][0], slope[l][0], null, act);
      if (l === 1) {
        c1 = this.cos;
        rh = this.sin;
      } else {
        const inv = nrm > 0 ? 1 / nrm : 0;
        c1 = gram[3 * (l - 1) + 2] * inv;
        const r2 = remainder(M, x[l - 1][0], x[l - 1][1], c1 * inv, R[l]);
        rh = r2 > TOL2 * gram[3 * (l - 1) + 1] ? Math.sqrt(r2) : 0;
      }
      rho[l] = rh;
      gram[3 * l + 1] = forward(M, c1, A1[l], rh, A2[l], this.bias, x[l][1], slope[l][1], x[l][0], act);
      gram[3 * l + 2] = sums[0];
      nx[l] = Math.sqrt(gram[3 * l]);
    }
    // output layer: W_L drawn whole, δ_L = 1; its kernel term uses (1 − β²)/M·⟨α^{(L−1)}, α^{(L−1)}⟩ + β²
    const cW = w2 / M;
    const top = 3 * (L - 1);
    let tXX = cW * gram[top] + b2;
    let tYY = cW * gram[top + 1] + b2;
    let tXY = cW * gram[top + 2] + b2;
    fillNormals(st, this.wTop, M, sdW);
    {
      const sx = slope[L - 1][0],
        sy = slope[L - 1][1],
        dx = delta[L - 1][0],
        dy = delta[L - 1][1],
        w = this.wTop;
      for (let j = 0; j < M; j++) {
        dx[j] = sx[j] * w[j];
        dy[j] = sy[j] * w[j];
      }
    }
    // backward, queries 3–4 on W_ℓ, ℓ = L−1..2
    for (let l = L - 1; l >= 1; l--) {
      const dx = delta[l][0],
        dy = delta[l][1],
        d5 = this.d5;
      dots5(M, dx, dy, A1[l], A2[l], d5);
      const dxx = d5[0],
        dyy = d5[1],
        dxy = d5[2];
      const gi = 3 * (l - 1);
      const c = l === 1 ? w2 : cW; // layer 1: (1 − β²)/n₀·xᵀy = (1 − β²)·gram on the frame
      tXX += dxx * (c * gram[gi] + b2);
      tYY += dyy * (c * gram[gi + 1] + b2);
      tXY += dxy * (c * gram[gi + 2] + b2);
      if (l === 1) break; // W₁ᵀδ₁ is never needed
      const s = sdW;
      const xPrev = x[l - 1][0],
        r = R[l];
      const nrm = nx[l - 1],
        invNx = nrm > 0 ? 1 / nrm : 0,
        rh = rho[l],
        invRho = rh > 0 ? 1 / rh : 0;
      const nd = Math.sqrt(dxx),
        invNd = nd > 0 ? 1 / nd : 0;
      // query 3: C₁ = k₁·α(x) + k₂·R + s·g″
      queryCoefficients(st, this.g, M, xPrev, r, this.zeros, sums, d5[3] * invNd, d5[4] * invNd, s, invNx, invRho, k);
      const k1 = k[0],
        k2 = k[1];
      // query 4: δ_ℓ(y) = d₁p₁ + τp₂, Wᵀ(τp₂) = β′·α(x) + γ·R + τs·g‴
      const d1 = dxy * invNd;
      const t2 = remainderDots(M, dx, dy, d1 * invNd, A1[l], A2[l], sums);
      const tau = t2 > TOL2 * dyy ? Math.sqrt(t2) : 0;
      const a1t = tau > 0 ? sums[0] : 0,
        a2t = tau > 0 ? sums[1] : 0;
      const tauS = tau * s;
      queryCoefficients(st, this.g4, M, xPrev, r, this.zeros, sums, a1t, a2t, tauS, invNx, invRho, k);
      const bq = k[0],
        gq = k[1];
      const sx = slope[l - 1][0],
        sy = slope[l - 1][1],
        ox = delta[l - 1][0],
        oy = delta[l - 1][1],
        g = this.g,
        g4 = this.g4;
      for (let j = 0; j < M; j++) {
        const xj = xPrev[j],
          rj = r[j];
        const c1 = k1 * xj + k2 * rj + s * g[j];
        ox[j] = sx[j] * nd * c1;
        oy[j] = sy[j] * (d1 * c1 + bq * xj + gq * rj + tauS * g4[j]);
      }
    }
    out[0] = tXX;
    out[1] = tYY;
    out[2] = tXY;
  }
}
