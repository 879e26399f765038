// Finite-width NTK of the networks of Jacot et al. 2019 ("Freeze and Chaos for DNNs", Sec. 2.1) on two inputs:
// NTK parametrization α̃^{(ℓ+1)} = √(1 − β²)/√n_ℓ·W^{(ℓ)}α^{(ℓ)} + β·b^{(ℓ)}, all parameters N(0, 1), σ any pointwise
// function (the standardized or normalized φ of src-shared/theory/freeze-chaos), scalar output f = α̃^{(L)}.
// With δ_L = 1 and δ_ℓ = σ̇(α̃^{(ℓ)}) ⊙ (√(1 − β²)/√n_ℓ)W^{(ℓ)ᵀ}δ_{ℓ+1}, the kernel over all parameters is
//   Θ(x, y) = Σ_{ℓ=1}^{L} ⟨δ_ℓ(x), δ_ℓ(y)⟩·((1 − β²)/n_{ℓ−1}·⟨α^{(ℓ−1)}(x), α^{(ℓ−1)}(y)⟩ + β²).
// The weight matrices are never materialized: each is a LazyGaussianMatrix (lazy-matrix.ts) that draws W·u and Wᵀ·v
// from their exact conditional law given what was revealed, O(L·M) per network for two inputs instead of O(L·M²).
// Inputs lie on the √n₀-sphere with n₀ = 2 (x = √2·e₁, y = √2·(ρe₁ + √(1 − ρ²)e₂)): the first layer sees the
// inputs only through xᵀy/n₀ = ρ, so any n₀ gives the same law.
import { Rng } from '../../src-shared/rng';
import { normalZiggurat } from './gamma';
import { LazyGaussianMatrix } from './lazy-matrix';

export interface FreezeChaosNetwork {
  /** Pointwise σ and σ̇. */
  sigma(x: number): number;
  dsigma(x: number): number;
  /** Optional: out[0] = σ(x), out[1] = σ̇(x) in one call (saves the second tanh etc.). */
  sigmaDsigma?(x: number, out: Float64Array): void;
  beta: number;
  /** Number of weight layers L ≥ 1. */
  depth: number;
  /** Hidden width M (n_1 = … = n_{L−1} = M). */
  width: number;
  /** ρ = xᵀy/n₀ of the two inputs. */
  cos: number;
  /**
   * Set when σ = scale·(φ(x) − shift) with φ = ReLU or tanh (the standardized/normalized versions): lets the fast
   * sampler inline σ and σ̇ (tanh through expm1, within 1 ulp-scale absolute error of Math.tanh).
   */
  inline?: { phi: 'relu' | 'tanh'; scale: number; shift: number };
}

/** Stored float64 values the samplers may hold per network (2²⁵ = 256 MiB), about 12·L·M. */
const MAX_STORED = 2 ** 25;

export function validateFreezeChaosNetwork(net: FreezeChaosNetwork): void {
  if (!(Number.isFinite(net.beta) && net.beta >= 0 && net.beta <= 1))
    throw new RangeError(`beta: must be a number in [0, 1], got ${net.beta}`);
  if (!(Number.isInteger(net.depth) && net.depth >= 1 && net.depth <= 10_000))
    throw new RangeError(`depth: must be an integer in [1, 10000], got ${net.depth}`);
  if (!(Number.isInteger(net.width) && net.width >= 1 && net.width <= 1 << 20))
    throw new RangeError(`width: must be an integer in [1, 1048576], got ${net.width}`);
  if (!(Number.isFinite(net.cos) && Math.abs(net.cos) <= 1))
    throw new RangeError(`cos: must be a number in [−1, 1], got ${net.cos}`);
  if (12 * net.depth * net.width > MAX_STORED)
    throw new RangeError(
      `width: width × depth = ${net.width * net.depth} is too large for the sampler (limit ${Math.floor(MAX_STORED / 12)})`,
    );
}

/** Draws Θ(x,x), Θ(y,y), Θ(x,y) of fresh independent networks; buffers are allocated once. */
export class FreezeChaosPairSampler {
  private readonly net: FreezeChaosNetwork;
  private readonly rng: Rng;
  private readonly mats: LazyGaussianMatrix[]; // mats[ℓ − 1] = layer ℓ's weights, n_ℓ × n_{ℓ−1}
  private readonly n: number[]; // n[0] = 2, n[1..L−1] = M, n[L] = 1
  private readonly slope: Float64Array[][]; // slope[ℓ][a] = σ̇(α̃^{(ℓ)}(x_a)), ℓ = 1..L−1
  private readonly act: Float64Array[][]; // act[ℓ][a] = α^{(ℓ)}(x_a), act[0] = inputs
  private readonly back: Float64Array[]; // back[a]: Wᵀδ scratch
  private readonly delta: Float64Array[][]; // delta[ℓ][a], ℓ = 1..L
  private readonly bias: Float64Array;
  private readonly pair = new Float64Array(2);
  private readonly both: (x: number, out: Float64Array) => void;

  constructor(net: FreezeChaosNetwork, rng: Rng) {
    validateFreezeChaosNetwork(net);
    this.net = net;
    this.rng = rng;
    const { sigma, dsigma } = net;
    this.both =
      net.sigmaDsigma?.bind(net) ??
      ((x, out) => {
        out[0] = sigma(x);
        out[1] = dsigma(x);
      });
    const L = net.depth;
    this.n = [2, ...Array.from({ length: L - 1 }, () => net.width), 1];
    const w2 = 1 - net.beta * net.beta;
    this.mats = Array.from(
      { length: L },
      (_, l) => new LazyGaussianMatrix(this.n[l + 1], this.n[l], w2 / this.n[l], rng, 2),
    );
    const two = (len: number) => [new Float64Array(len), new Float64Array(len)];
    this.slope = this.n.map((len) => two(len));
    this.act = this.n.map((len) => two(len));
    this.delta = this.n.map((len) => two(len));
    this.back = two(net.width);
    this.bias = new Float64Array(Math.max(net.width, 1));
    const s = Math.sqrt(Math.max(0, 1 - net.cos * net.cos));
    this.act[0][0].set([Math.SQRT2, 0]);
    this.act[0][1].set([Math.SQRT2 * net.cos, Math.SQRT2 * s]);
  }

  /** One network: out[0] = Θ(x,x), out[1] = Θ(y,y), out[2] = Θ(x,y). */
  sample(out: Float64Array): void {
    const { n, slope, act, delta, mats, rng, bias, pair } = this;
    const { beta, depth: L } = this.net;
    const both = this.both;
    const w2 = 1 - beta * beta;
    for (const m of mats) m.reset(rng);
    // forward: layers 1..L−1 (the output layer's pre-activation is not needed for Θ)
    for (let l = 1; l < L; l++) {
      const width = n[l];
      for (let i = 0; i < width; i++) bias[i] = beta * normalZiggurat(rng);
      for (let a = 0; a < 2; a++) {
        const h = slope[l][a];
        mats[l - 1].mulInto(act[l - 1][a], h);
        const x = act[l][a];
        for (let i = 0; i < width; i++) {
          both(h[i] + bias[i], pair);
          x[i] = pair[0];
          h[i] = pair[1]; // only σ̇(α̃) is needed from here on
        }
      }
    }
    // backward: δ_L = 1, δ_ℓ = σ̇(α̃^{(ℓ)}) ⊙ W_{ℓ+1}ᵀδ_{ℓ+1}
    delta[L][0][0] = 1;
    delta[L][1][0] = 1;
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let l = L; l >= 1; l--) {
      const d0 = delta[l][0];
      const d1 = delta[l][1];
      const x0 = act[l - 1][0];
      const x1 = act[l - 1][1];
      let dd00 = 0,
        dd11 = 0,
        dd01 = 0,
        aa00 = 0,
        aa11 = 0,
        aa01 = 0;
      for (let i = 0; i < n[l]; i++) {
        dd00 += d0[i] * d0[i];
        dd11 += d1[i] * d1[i];
        dd01 += d0[i] * d1[i];
      }
      for (let j = 0; j < n[l - 1]; j++) {
        aa00 += x0[j] * x0[j];
        aa11 += x1[j] * x1[j];
        aa01 += x0[j] * x1[j];
      }
      const c = w2 / n[l - 1];
      xx += dd00 * (c * aa00 + beta * beta);
      yy += dd11 * (c * aa11 + beta * beta);
      xy += dd01 * (c * aa01 + beta * beta);
      if (l === 1) break;
      for (let a = 0; a < 2; a++) {
        const g = this.back[a];
        mats[l - 1].mulTInto(delta[l][a], g);
        const sl = slope[l - 1][a];
        const d = delta[l - 1][a];
        for (let j = 0; j < n[l - 1]; j++) d[j] = sl[j] * g[j];
      }
    }
    out[0] = xx;
    out[1] = yy;
    out[2] = xy;
  }
}

export interface MeanStderr {
  estimate: number;
  stderr: number;
}

export interface FreezeChaosMeasurement {
  /** Mean over networks of ϑ = Θ(x,y)/√(Θ(x,x)Θ(y,y)) (the paper's normalized NTK of each network). */
  vartheta: MeanStderr;
  /** Mean over networks of (Θ(x,x) + Θ(y,y))/2 (both have the law of Θ(x,x) on the sphere). */
  thetaDiag: MeanStderr;
  samples: number;
}

function meanStderr(sum: number, sumSq: number, n: number): MeanStderr {
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  return { estimate: mean, stderr: Math.sqrt(variance / n) };
}

/** Draws Θ(x,x), Θ(y,y), Θ(x,y) of one fresh network into out[0..2]. */
export interface FreezeChaosSampler {
  sample(out: Float64Array): void;
}

/**
 * Sample `samples` independent networks (seeded) and average ϑ and Θ(x,x), with standard errors. `makeSampler` picks
 * the sampler (tests and the benchmark pass FreezeChaosPairSampler or the closed-form FreezeChaosFastSampler).
 */
export function measureFreezeChaos(
  net: FreezeChaosNetwork,
  samples: number,
  seed: number,
  makeSampler: (net: FreezeChaosNetwork, rng: Rng) => FreezeChaosSampler = (n, r) => new FreezeChaosPairSampler(n, r),
): FreezeChaosMeasurement {
  if (!(Number.isInteger(samples) && samples >= 2 && samples <= 10_000_000))
    throw new RangeError(`samples: must be an integer in [2, 10000000], got ${samples}`);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff))
    throw new RangeError(`seed: must be an integer in [0, 4294967295], got ${seed}`);
  const sampler = makeSampler(net, new Rng(seed));
  const out = new Float64Array(3);
  let sv = 0,
    svv = 0,
    sd = 0,
    sdd = 0;
  for (let s = 0; s < samples; s++) {
    sampler.sample(out);
    const v = out[2] / Math.sqrt(out[0] * out[1]);
    const d = 0.5 * (out[0] + out[1]);
    sv += v;
    svv += v * v;
    sd += d;
    sdd += d * d;
  }
  return { vartheta: meanStderr(sv, svv, samples), thetaDiag: meanStderr(sd, sdd, samples), samples };
}
