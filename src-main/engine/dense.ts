// Dense reference sampler: materializes every weight matrix W_l ~ N(0, σ_w²/n_{l−1}) and bias b_l ~ N(0, σ_b²)
// (Seleznova & Kutyniok 2022, eq. 6) in Float64 typed arrays, runs forward and backward passes of a ReLU network (eq.
// 3, scalar
// linear output) and forms Θ(x, x̃) = Σ_l ⟨δ_l(x), δ_l(x̃)⟩(⟨x_{l−1}, x̃_{l−1}⟩ + 1) (eq. 19 and the proof of
// Thm A.9). O(Σ n_l n_{l−1}) per network: the slow, assumption-free check of the exact samplers.
// Inputs: x = e₁ (rotation invariance makes any fixed unit input equivalent to the paper's random normalized
// one), x̃ = c·e₁ + √(1−c²)·e₂ with c = pairCos, so ⟨x, x̃⟩ = c exactly.
import { SAMPLER_COST } from '../../src-shared/network/cost-model';
import type { Rng } from '../../src-shared/rng';

export interface DenseSpec {
  sigmaW2: number;
  sigmaB2: number;
  /** [n₀, n₁, …, n_{L−1}]; the output layer has width 1. */
  widths: ArrayLike<number>;
  /** ⟨x, x̃⟩ of a second unit input; when given, Θ(x̃, x̃) and Θ(x, x̃) are returned too. */
  pairCos?: number;
}

export interface DenseSamples {
  /** Θ(x, x) per network. */
  theta: Float64Array;
  /** Θ(x̃, x̃) per network (with pairCos). */
  thetaTilde?: Float64Array;
  /** Θ(x, x̃) per network (with pairCos). */
  thetaOff?: Float64Array;
}

function checkWidths(widths: ArrayLike<number>): void {
  if (!widths || widths.length < 1)
    throw new RangeError('widths must list at least the input dimension n₀ (widths = [n₀, n₁, …, n_{L−1}])');
  for (let l = 0; l < widths.length; l++) {
    const w = widths[l];
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`widths[${l}] must be an integer ≥ 1 (got ${w})`);
  }
}

/**
 * Work and memory of one dense network: flopsPerNetwork counts Gaussian draws (SAMPLER_COST.denseGaussianFlops
 * each) plus 2 multiply-adds per weight per input (forward and backward); bytes is the Float64 storage of weights,
 * biases and per-input activations.
 */
export function denseCost(widths: ArrayLike<number>, inputs = 1): { flopsPerNetwork: number; bytes: number } {
  checkWidths(widths);
  if (!Number.isInteger(inputs) || inputs < 1) throw new RangeError(`inputs must be an integer ≥ 1 (got ${inputs})`);
  const L = widths.length;
  let weights = 0;
  let units = 0; // n_1 + … + n_L with n_L = 1
  for (let l = 1; l <= L; l++) {
    const nOut = l < L ? widths[l] : 1;
    weights += nOut * widths[l - 1];
    units += nOut;
  }
  const flopsPerNetwork = SAMPLER_COST.denseGaussianFlops * (weights + units) + 4 * inputs * weights;
  const bytes = 8 * (weights + units + inputs * (widths[0] + 3 * units));
  return { flopsPerNetwork, bytes };
}

/** n independent networks; returns Θ(x, x) and, with pairCos, Θ(x̃, x̃) and Θ(x, x̃). */
export function sampleDense(spec: DenseSpec, n: number, rng: Rng): DenseSamples {
  const { sigmaW2, sigmaB2, widths, pairCos } = spec;
  if (!(sigmaW2 > 0) || !Number.isFinite(sigmaW2))
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
  if (!(sigmaB2 >= 0) || !Number.isFinite(sigmaB2))
    throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0 (got ${sigmaB2})`);
  checkWidths(widths);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const pair = pairCos !== undefined;
  if (pair && !(pairCos >= -1 && pairCos <= 1)) throw new RangeError(`pairCos must lie in [−1, 1] (got ${pairCos})`);
  if (pair && widths[0] < 2 && Math.abs(pairCos) !== 1)
    throw new RangeError('pairCos strictly inside (−1, 1) needs an input dimension n₀ ≥ 2');

  const L = widths.length;
  const nIn = (l: number) => widths[l - 1]; // fan-in of layer l (1-based)
  const nOut = (l: number) => (l < L ? widths[l] : 1);
  const inputs = pair ? 2 : 1;

  // storage: W_l row-major (n_l × n_{l−1}) and b_l; per input s: x_l (l = 0..L−1, x_0 = input), h_l and δ_l (l = 1..L)
  const wOff = new Array<number>(L + 1);
  const uOff = new Array<number>(L + 1); // offset of layer l's units in B, H, D
  const xOff = new Array<number>(L); // offset of x_l in X
  let wTotal = 0,
    uTotal = 0,
    xTotal = 0;
  for (let l = 1; l <= L; l++) {
    wOff[l] = wTotal;
    uOff[l] = uTotal;
    wTotal += nOut(l) * nIn(l);
    uTotal += nOut(l);
  }
  for (let l = 0; l < L; l++) {
    xOff[l] = xTotal;
    xTotal += widths[l];
  }
  const W = new Float64Array(wTotal);
  const B = new Float64Array(uTotal);
  const H = [new Float64Array(uTotal), new Float64Array(uTotal)];
  const D = [new Float64Array(uTotal), new Float64Array(uTotal)];
  const X = [new Float64Array(xTotal), new Float64Array(xTotal)];
  X[0][0] = 1;
  if (pair) {
    X[1][0] = pairCos;
    if (widths[0] >= 2) X[1][1] = Math.sqrt(Math.max(0, 1 - pairCos * pairCos));
  }
  const sdB = Math.sqrt(sigmaB2);

  const theta = new Float64Array(n);
  const thetaTilde = pair ? new Float64Array(n) : undefined;
  const thetaOff = pair ? new Float64Array(n) : undefined;

  // Θ(x_s, x_r) = Σ_l ⟨δ_l, δ̃_l⟩(⟨x_{l−1}, x̃_{l−1}⟩ + 1)
  const kernel = (s: number, r: number): number => {
    const ds = D[s],
      dr = D[r],
      xs = X[s],
      xr = X[r];
    let total = 0;
    for (let l = 1; l <= L; l++) {
      const u = uOff[l],
        no = nOut(l),
        xo = xOff[l - 1],
        ni = nIn(l);
      let dd = 0;
      for (let i = 0; i < no; i++) dd += ds[u + i] * dr[u + i];
      let xx = 0;
      for (let j = 0; j < ni; j++) xx += xs[xo + j] * xr[xo + j];
      total += dd * (xx + 1);
    }
    return total;
  };

  for (let t = 0; t < n; t++) {
    for (let l = 1; l <= L; l++) {
      const sd = Math.sqrt(sigmaW2 / nIn(l));
      const o = wOff[l],
        size = nOut(l) * nIn(l);
      for (let k = 0; k < size; k++) W[o + k] = rng.normal() * sd;
      if (sdB > 0) for (let i = 0, u = uOff[l]; i < nOut(l); i++) B[u + i] = rng.normal() * sdB;
    }
    for (let s = 0; s < inputs; s++) {
      const h = H[s],
        del = D[s],
        x = X[s];
      // forward: h_l = W_l x_{l−1} + b_l, x_l = ReLU(h_l) for hidden layers
      for (let l = 1; l <= L; l++) {
        const ni = nIn(l),
          no = nOut(l),
          o = wOff[l],
          u = uOff[l],
          xi = xOff[l - 1];
        for (let i = 0; i < no; i++) {
          let sum = B[u + i];
          const row = o + i * ni;
          for (let j = 0; j < ni; j++) sum += W[row + j] * x[xi + j];
          h[u + i] = sum;
        }
        if (l < L) for (let i = 0, xo = xOff[l]; i < no; i++) x[xo + i] = h[u + i] > 0 ? h[u + i] : 0;
      }
      // backward: δ_L = 1 (linear scalar output), δ_l = φ'(h_l) ⊙ W_{l+1}ᵀ δ_{l+1}, with φ'(0) = 0
      del[uOff[L]] = 1;
      for (let l = L - 1; l >= 1; l--) {
        const no = nOut(l),
          u = uOff[l],
          up = uOff[l + 1],
          nUp = nOut(l + 1),
          o = wOff[l + 1];
        for (let j = 0; j < no; j++) del[u + j] = 0;
        for (let i = 0; i < nUp; i++) {
          const di = del[up + i];
          if (di === 0) continue;
          const row = o + i * no;
          for (let j = 0; j < no; j++) del[u + j] += W[row + j] * di;
        }
        for (let j = 0; j < no; j++) if (!(h[u + j] > 0)) del[u + j] = 0;
      }
    }
    theta[t] = kernel(0, 0);
    if (pair) {
      thetaTilde![t] = kernel(1, 1);
      thetaOff![t] = kernel(0, 1);
    }
  }
  return pair ? { theta, thetaTilde, thetaOff } : { theta };
}
