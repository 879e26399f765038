// Measured Q and C trajectories of sampled networks (Martens et al. 2021 (DKS), Sec. 6–7; issue 14, items 3–4): a
// chain of D combined layers z_l = φ(W_l z_{l−1}) with W_l iid N(0, 1/k) (k = fan-in, zero biases: the Gaussian
// Delta/fan-in initialization of Sec. 4), two inputs with q = ‖x‖²/n₀ = 1 and cosine c₀. After layer l:
//   q_l = ‖z_l(x)‖²/M,   c_l = ⟨z_l(x), z_l(y)⟩/(‖z_l(x)‖‖z_l(y)‖),
// which the Q and C maps predict as M → ∞ (global.ts: q_l = Q(q_{l−1}), c_l = C(c_{l−1}; q_{l−1})). Two samplers with
// the same law: `sampleChainLazy` draws each layer's pre-activations from their exact conditional law given the
// previous layer (the rows of W_l are fresh, so (u_i(x), u_i(y)) are iid N(0, Σ) with Σ the inputs' Gram matrix /k:
// O(M) per layer), `sampleChainDense` materializes the M×k weight matrices (O(M²) per layer) as the reference.
import { Rng } from '../../src-shared/rng';
import { LazyNtkSampler } from './lazy-gaussian';

export interface ChainSampleParams {
  /** φ (e.g. the DKS-transformed φ̂). */
  phi: (x: number) => number;
  /** Hidden width M ≥ 1. */
  width: number;
  /** Number of combined layers D ≥ 1. */
  depth: number;
  /** Cosine c₀ of the two inputs, in [−1, 1]. */
  cos: number;
  /** Networks N ≥ 2 (the SE needs two). */
  samples: number;
  seed: number;
}

/** Per-depth mean and standard error over the sampled networks (index l − 1 for layer l). */
export interface ChainMeasurement {
  depth: number;
  width: number;
  samples: number;
  q: { mean: Float64Array; se: Float64Array };
  c: { mean: Float64Array; se: Float64Array };
}

function validateChainSample(p: ChainSampleParams): void {
  if (!(Number.isInteger(p.width) && p.width >= 1))
    throw new RangeError(`width must be an integer ≥ 1, got ${p.width}`);
  if (!(Number.isInteger(p.depth) && p.depth >= 1))
    throw new RangeError(`depth must be an integer ≥ 1, got ${p.depth}`);
  if (!(Number.isFinite(p.cos) && p.cos >= -1 && p.cos <= 1))
    throw new RangeError(`cos (c₀) must be in [−1, 1], got ${p.cos}`);
  if (!(Number.isInteger(p.samples) && p.samples >= 2))
    throw new RangeError(`samples must be an integer ≥ 2, got ${p.samples}`);
}

/** Accumulates per-layer sums of q_l and c_l over networks (Welford, so large N keeps its digits). */
class Accumulator {
  private n = 0;
  private readonly mq: Float64Array;
  private readonly sq: Float64Array;
  private readonly mc: Float64Array;
  private readonly sc: Float64Array;

  constructor(private readonly depth: number) {
    this.mq = new Float64Array(depth);
    this.sq = new Float64Array(depth);
    this.mc = new Float64Array(depth);
    this.sc = new Float64Array(depth);
  }

  add(q: Float64Array, c: Float64Array): void {
    this.n++;
    for (let l = 0; l < this.depth; l++) {
      const dq = q[l] - this.mq[l];
      this.mq[l] += dq / this.n;
      this.sq[l] += dq * (q[l] - this.mq[l]);
      const dc = c[l] - this.mc[l];
      this.mc[l] += dc / this.n;
      this.sc[l] += dc * (c[l] - this.mc[l]);
    }
  }

  result(width: number): ChainMeasurement {
    const se = (s: Float64Array) => s.map((v) => Math.sqrt(v / (this.n - 1) / this.n));
    return {
      depth: this.depth,
      width,
      samples: this.n,
      q: { mean: this.mq.slice(), se: se(this.sq) },
      c: { mean: this.mc.slice(), se: se(this.sc) },
    };
  }
}

/** q_l, c_l of one layer's outputs; cosine 0 when an output vanishes (φ = 0 on every unit). */
function summarize(zx: Float64Array, zy: Float64Array, out: { q: number; c: number }): void {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < zx.length; i++) {
    xx += zx[i] * zx[i];
    yy += zy[i] * zy[i];
    xy += zx[i] * zy[i];
  }
  out.q = xx / zx.length;
  const r = Math.sqrt(xx * yy);
  out.c = r > 0 ? Math.max(-1, Math.min(1, xy / r)) : 0;
}

/** Work buffers of one lazy-sampled network (reused across networks). */
export interface LazyBuffers {
  zx: Float64Array;
  zy: Float64Array;
}

export function lazyBuffers(width: number): LazyBuffers {
  return { zx: new Float64Array(width), zy: new Float64Array(width) };
}

/**
 * One network by the lazy-Gaussian sampler: q[l − 1], c[l − 1] for layers l = 1 … q.length, drawing from `rng`
 * (2M normals per layer). The exact conditional law of the pre-activations given the previous layer.
 */
export function sampleNetworkLazy(
  phi: (x: number) => number,
  cos: number,
  rng: Rng,
  buf: LazyBuffers,
  q: Float64Array,
  c: Float64Array,
): void {
  const { zx, zy } = buf;
  const M = zx.length;
  const s = { q: 0, c: 0 };
  // the inputs' Gram matrix / n₀: q = 1 each, cosine c₀
  let s11 = 1;
  let s12 = cos;
  let s22 = 1;
  for (let l = 0; l < q.length; l++) {
    // (u(x), u(y)) ~ N(0, [[s11, s12], [s12, s22]]) per unit, by its Cholesky factor
    const a = Math.sqrt(s11);
    const b = a > 0 ? s12 / a : 0;
    const d = Math.sqrt(Math.max(0, s22 - b * b));
    for (let i = 0; i < M; i++) {
      const g1 = rng.normal();
      const g2 = rng.normal();
      zx[i] = phi(a * g1);
      zy[i] = phi(b * g1 + d * g2);
    }
    summarize(zx, zy, s);
    q[l] = s.q;
    c[l] = s.c;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < M; i++) {
      yy += zy[i] * zy[i];
      xy += zx[i] * zy[i];
    }
    s11 = s.q;
    s22 = yy / M;
    s12 = xy / M;
  }
}

/** The lazy-Gaussian sampler: exact conditional pre-activations, O(N·D·M); network n uses Rng(seed, n). */
export function sampleChainLazy(p: ChainSampleParams): ChainMeasurement {
  validateChainSample(p);
  const acc = new Accumulator(p.depth);
  const buf = lazyBuffers(p.width);
  const q = new Float64Array(p.depth);
  const c = new Float64Array(p.depth);
  for (let n = 0; n < p.samples; n++) {
    sampleNetworkLazy(p.phi, p.cos, new Rng(p.seed, n), buf, q, c);
    acc.add(q, c);
  }
  return acc.result(p.width);
}

/** The dense reference: M×k Gaussian weight matrices N(0, 1/k), inputs in R² on the √2-sphere, O(N·D·M²). */
export function sampleChainDense(p: ChainSampleParams): ChainMeasurement {
  validateChainSample(p);
  const { phi, width: M, depth: D } = p;
  const acc = new Accumulator(D);
  const q = new Float64Array(D);
  const c = new Float64Array(D);
  const s = { q: 0, c: 0 };
  for (let n = 0; n < p.samples; n++) {
    const rng = new Rng(p.seed, n);
    // x = √2·e₁, y = √2·(c₀e₁ + √(1 − c₀²)e₂): ‖x‖²/n₀ = ‖y‖²/n₀ = 1 and cosine c₀
    let x = Float64Array.from([Math.SQRT2, 0]);
    let y = Float64Array.from([Math.SQRT2 * p.cos, Math.SQRT2 * Math.sqrt(1 - p.cos * p.cos)]);
    for (let l = 0; l < D; l++) {
      const k = x.length;
      const scale = 1 / Math.sqrt(k);
      const zx = new Float64Array(M);
      const zy = new Float64Array(M);
      for (let i = 0; i < M; i++) {
        let ux = 0;
        let uy = 0;
        for (let j = 0; j < k; j++) {
          const w = rng.normal() * scale;
          ux += w * x[j];
          uy += w * y[j];
        }
        zx[i] = phi(ux);
        zy[i] = phi(uy);
      }
      summarize(zx, zy, s);
      q[l] = s.q;
      c[l] = s.c;
      x = zx;
      y = zy;
    }
    acc.add(q, c);
  }
  return acc.result(M);
}

/**
 * Θ(x, x) of `count` networks of the chain (D = depth combined layers z_l = φ(W_l z_{l−1}) of width M, W_l iid
 * N(0, 1/k), zero biases, a linear readout f = W_{D+1} z_D with W_{D+1} iid N(0, 1/M)) on an input with q₀ = 1, every
 * weight trained (NTK parametrization: Θ = Σ_l (1/n_{l−1})‖z_{l−1}‖²‖∂f/∂u_l‖²), by the lazy-Gaussian sampler
 * (lazy-gaussian.ts): exact in distribution. Its M → ∞ limit is theory/dks/ntk.ts's chainNtk.
 */
export function sampleChainNtk(
  act: { phi: (x: number) => number; dphi: (x: number) => number },
  width: number,
  depth: number,
  rng: Rng,
  count: number,
): Float64Array {
  // n₀ = 1 and ‖x‖² = 1: the first layer's pre-activations are N(0, ‖x‖²/n₀) = N(0, 1), q₀ = 1
  const widths = [1, ...new Array<number>(depth).fill(width)];
  const sampler = new LazyNtkSampler(
    { sigmaW2: 1, sigmaB2: 0, widths, parametrization: 'ntk', ops: { phi: act.phi, dphi: act.dphi } },
    [1],
  );
  const out = new Float64Array(count);
  const theta = new Float64Array(1);
  for (let s = 0; s < count; s++) out[s] = sampler.sample(rng, theta)[0];
  return out;
}
