// One gradient-descent step on a single sample (x, y), sampled exactly in distribution without materializing any
// weight matrix (Seleznova & Kutyniok 2022, Thm 4.1 / App. A.3, Hanin & Nica's setting; derivation: docs/gd-step.md).
// Loss ½(f(x) − y)², so ∂L/∂f = f − y and, with ε := η(f − y),
//   ΔW_l = −ε δ_l x_{l−1}ᵀ (rank one),   Δb_l = −ε δ_l        (App. A.3: Ẇ = −∂L/∂f · δ_l x_{l−1}ᵀ, ḃ = −∂L/∂f · δ_l).
// After the step, (W_l + ΔW_l)u = W_l u − ε δ_l ⟨x_{l−1}, u⟩ and (W_l + ΔW_l)ᵀv = W_lᵀv − ε x_{l−1} ⟨δ_l, v⟩, so the
// post-step passes need only further queries W_l·x′_{l−1}, W_lᵀ·δ′_l to the same LazyGaussianMatrix, each drawn from
// its exact conditional law given every product revealed before the step. O(L·M·k²) per network, k = 1 or 2 inputs.
import type { Rng } from '../../src-shared/rng';
import { activationFor, type SamplerActivationName } from '../../src-shared/network/activations';
import { checkParametrization, layerScales, type Parametrization } from '../../src-shared/network/parametrization';
import { sampleGdStepExactFast } from './gd-step-exact-fast';
import { GdStepExactSampler } from './gd-step-exact-sampler';

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
  /**
   * Networks left out of the arrays: for the dense reference, any value beyond float64 before or after the step
   * (overflow, e.g. a huge η); for the exact samplers, one not finite even as mantissa·2^exponent.
   */
  diverged: number;
  /**
   * The exact samplers only: per kept network ln Θ, ln Θ′, ln|Θ′ − Θ| and the sign of Θ′ − Θ (−1, 0, 1). Finite
   * where Θ′ leaves float64 (theta/thetaAfter then hold +∞; deep chaotic phase).
   */
  logs?: GdStepLogs;
}

export interface GdStepLogs {
  theta: Float64Array;
  thetaAfter: Float64Array;
  absDelta: Float64Array;
  deltaSign: Float64Array;
  /** With pairCos: the same for the off-diagonal Θ(x, x̃). */
  off?: GdStepOffLogs;
}

/** Θ(x, x̃) may be negative or 0: ln|Θ(x, x̃)| with its sign, ln|ΔΘ(x, x̃)| with its sign. */
export interface GdStepOffLogs {
  theta: Float64Array;
  thetaSign: Float64Array;
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
 * n independent networks, one GD step each on (x, y); exact in distribution (no gradient-independence assumption).
 * Kernels beyond float64 are kept (±∞ in the plain arrays, finite in `logs`); a network whose values are not finite
 * even as mantissa·2^exponent is counted in `diverged` and left out of the arrays.
 */
export function sampleGdStepExact(spec: GdStepSpec, n: number, rng: Rng): GdStepSamples {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  // one input: the same law, drawn by the closed-form k = 1 sampler (gd-step-exact-fast.ts, ~3× faster)
  if (spec.pairCos === undefined) return sampleGdStepExactFast(spec, n, rng);
  const sampler = new GdStepExactSampler(spec);
  const vec = () => new Float64Array(n);
  const theta = vec(),
    thetaAfter = vec(),
    output = vec(),
    outputAfter = vec(),
    thetaOff = vec(),
    thetaOffAfter = vec();
  const off: GdStepOffLogs = { theta: vec(), thetaSign: vec(), absDelta: vec(), deltaSign: vec() };
  const logs: GdStepLogs = { theta: vec(), thetaAfter: vec(), absDelta: vec(), deltaSign: vec(), off };
  let m = 0;
  for (let t = 0; t < n; t++) {
    if (!sampler.sample(rng)) continue;
    theta[m] = sampler.theta[0];
    thetaAfter[m] = sampler.thetaAfter[0];
    output[m] = sampler.outputs[0];
    outputAfter[m] = sampler.outputsAfter[0];
    thetaOff[m] = sampler.theta[1];
    thetaOffAfter[m] = sampler.thetaAfter[1];
    logs.theta[m] = sampler.logTheta[0];
    logs.thetaAfter[m] = sampler.logThetaAfter[0];
    logs.absDelta[m] = sampler.logAbsDelta[0];
    logs.deltaSign[m] = sampler.deltaSign[0];
    off.theta[m] = sampler.logTheta[1];
    off.thetaSign[m] = sampler.thetaSign[1];
    off.absDelta[m] = sampler.logAbsDelta[1];
    off.deltaSign[m] = sampler.deltaSign[1];
    m++;
  }
  const out = packSamples(theta, thetaAfter, output, outputAfter, thetaOff, thetaOffAfter, m, n - m);
  const cut = (a: Float64Array) => (a.length === m ? a : a.slice(0, m));
  out.logs = {
    theta: cut(logs.theta),
    thetaAfter: cut(logs.thetaAfter),
    absDelta: cut(logs.absDelta),
    deltaSign: cut(logs.deltaSign),
    off: {
      theta: cut(off.theta),
      thetaSign: cut(off.thetaSign),
      absDelta: cut(off.absDelta),
      deltaSign: cut(off.deltaSign),
    },
  };
  return out;
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
