// The empirical NTK Gram matrix of a dense network in NTK parametrization with post-nonlinearity batch norm (PN-BN,
// Jacot et al. 2019, Sec. 5.1 and App. D) over the whole training set x_1..x_N:
//   α̃^{(ℓ)} = √(1 − β²)/√n_{ℓ−1}·W^{(ℓ)}α̂^{(ℓ−1)} + β·b^{(ℓ)},  α^{(ℓ)} = σ(α̃^{(ℓ)}),
//   α̂^{(ℓ)}_k(x) = (α^{(ℓ)}_k(x) − m_k)/√(v_k + ε),  m_k, v_k the mean and variance of neuron k over the N inputs,
// with BN after the last hidden layer only (the setting of Lemma 1) or after every hidden layer; f = α̃^{(L)}.
// There is no infinite-width formula (the paper gives none), so this is measured: one float64 network, the Jacobian
// ∂f(x_j)/∂θ of every output by backpropagation through the batch statistics, and Θ̃ = JJᵀ. Dense O(N·L·M²) per
// output: meant for the small N and M of the checks (Lemma 1, the constant mode), not for large sweeps.
import type { Rng } from '../../src-shared/rng';
import { normalZiggurat } from './gamma';

export const BATCH_NORM_PLACEMENTS = ['last', 'every'] as const;
export type BatchNormPlacement = (typeof BATCH_NORM_PLACEMENTS)[number];

export interface BatchNormNetwork {
  sigma(x: number): number;
  dsigma(x: number): number;
  beta: number;
  depth: number;
  width: number;
  placement: BatchNormPlacement | 'none';
  /** BN's ε (> 0; default 1e-5). */
  epsilon?: number;
}

/** N inputs equally spaced on a great circle of the √n₀-sphere, n₀ = 2: x_i = √2(cos γ_i, sin γ_i), γ_i = 2πi/N. */
export function circleInputs(points: number): Float64Array {
  if (!(Number.isInteger(points) && points >= 2 && points <= 4096))
    throw new RangeError(`points: must be an integer in [2, 4096], got ${points}`);
  const x = new Float64Array(2 * points);
  for (let i = 0; i < points; i++) {
    const g = (2 * Math.PI * i) / points;
    x[2 * i] = Math.SQRT2 * Math.cos(g);
    x[2 * i + 1] = Math.SQRT2 * Math.sin(g);
  }
  return x;
}

/** Number of parameters on n0-dimensional inputs (per layer ℓ = 1..L: W^{(ℓ)} row-major, then b^{(ℓ)}). */
function batchNormParameterCount(net: BatchNormNetwork, n0: number): number {
  const n = [n0, ...Array.from({ length: net.depth - 1 }, () => net.width), 1];
  let P = 0;
  for (let l = 1; l <= net.depth; l++) P += n[l] * n[l - 1] + n[l];
  return P;
}

function validate(net: BatchNormNetwork, inputs: Float64Array, n0: number): void {
  const { beta, depth: L, width: M } = net;
  const eps = net.epsilon ?? 1e-5;
  if (!(Number.isFinite(beta) && beta >= 0 && beta <= 1))
    throw new RangeError(`beta: must be a number in [0, 1], got ${beta}`);
  if (!(Number.isInteger(L) && L >= 2 && L <= 100))
    throw new RangeError(`depth: batch norm needs a hidden layer, depth an integer in [2, 100], got ${L}`);
  if (!(Number.isInteger(M) && M >= 1 && M <= 4096))
    throw new RangeError(`width: must be an integer in [1, 4096], got ${M}`);
  if (!(eps > 0 && Number.isFinite(eps))) throw new RangeError(`epsilon: must be > 0, got ${eps}`);
  if (!(Number.isInteger(n0) && n0 >= 1 && inputs.length % n0 === 0 && inputs.length >= 2 * n0))
    throw new RangeError(`inputs: need at least 2 rows of length n0 = ${n0}`);
}

/** Fresh N(0, 1) parameters (the NTK parametrization's initialization, Sec. 2.1). */
export function batchNormParameters(net: BatchNormNetwork, n0: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: batchNormParameterCount(net, n0) }, () => normalZiggurat(rng));
}

/**
 * Outputs f(x_i) and the Jacobian J[i·P + p] = ∂f(x_i)/∂θ_p of the network with parameters θ on the batch `inputs`
 * (N rows of length n0).
 */
export function batchNormJacobian(
  net: BatchNormNetwork,
  inputs: Float64Array,
  n0: number,
  theta: Float64Array,
): { outputs: Float64Array; jacobian: Float64Array; parameters: number } {
  validate(net, inputs, n0);
  const { sigma, dsigma, beta, depth: L, width: M, placement } = net;
  const eps = net.epsilon ?? 1e-5;
  const N = inputs.length / n0;
  const n = [n0, ...Array.from({ length: L - 1 }, () => M), 1];
  const bnAt = (l: number) => l >= 1 && l <= L - 1 && (placement === 'every' || (placement === 'last' && l === L - 1));
  const c = n.map((k) => Math.sqrt(1 - beta * beta) / Math.sqrt(k));
  const P = batchNormParameterCount(net, n0);
  if (theta.length !== P) throw new RangeError(`theta: expected ${P} parameters, got ${theta.length}`);
  const W: Float64Array[] = [new Float64Array(0)];
  const b: Float64Array[] = [new Float64Array(0)];
  const offset = [0]; // offset[ℓ]: where layer ℓ's parameters start in θ (and in each Jacobian row)
  for (let l = 1, off = 0; l <= L; l++) {
    offset.push(off);
    W.push(theta.subarray(off, (off += n[l] * n[l - 1])));
    b.push(theta.subarray(off, (off += n[l])));
  }
  // forward over the batch; matrices are neuron-major: X[k·N + i] = neuron k on input i
  const Ahat: Float64Array[] = [new Float64Array(n0 * N)]; // layer inputs α̂^{(ℓ)} (α̂^{(0)} = x)
  for (let i = 0; i < N; i++) for (let k = 0; k < n0; k++) Ahat[0][k * N + i] = inputs[i * n0 + k];
  const H: Float64Array[] = [new Float64Array(0)];
  const invStd: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) {
    const h = new Float64Array(n[l] * N);
    for (let k = 0; k < n[l]; k++)
      for (let j = 0; j < n[l - 1]; j++) {
        const w = c[l - 1] * W[l][k * n[l - 1] + j];
        for (let i = 0; i < N; i++) h[k * N + i] += w * Ahat[l - 1][j * N + i];
      }
    for (let k = 0; k < n[l]; k++) for (let i = 0; i < N; i++) h[k * N + i] += beta * b[l][k];
    H.push(h);
    if (l === L) break;
    const a = h.map(sigma);
    const is = new Float64Array(n[l]).fill(1);
    if (bnAt(l))
      for (let k = 0; k < n[l]; k++) {
        let m = 0;
        for (let i = 0; i < N; i++) m += a[k * N + i] / N;
        let v = 0;
        for (let i = 0; i < N; i++) v += (a[k * N + i] - m) ** 2 / N;
        is[k] = 1 / Math.sqrt(v + eps);
        for (let i = 0; i < N; i++) a[k * N + i] = (a[k * N + i] - m) * is[k];
      }
    invStd.push(is);
    Ahat.push(a);
  }
  // Jacobian rows: gradient of f(x_j) with respect to every parameter, by backprop through the batch
  const J = new Float64Array(N * P);
  for (let jOut = 0; jOut < N; jOut++) {
    const row = jOut * P;
    let dH = new Float64Array(N); // ∂f(x_j)/∂α̃^{(L)} over the batch: e_j
    dH[jOut] = 1;
    for (let l = L; l >= 1; l--) {
      const rows = n[l];
      const cols = n[l - 1];
      const A = Ahat[l - 1];
      let off = offset[l];
      // ∂/∂W_{kj'} = c·Σ_i dH_{k,i} α̂_{j',i};  ∂/∂b_k = β·Σ_i dH_{k,i}
      for (let k = 0; k < rows; k++) {
        for (let jj = 0; jj < cols; jj++) {
          let s = 0;
          for (let i = 0; i < N; i++) s += dH[k * N + i] * A[jj * N + i];
          J[row + off + k * cols + jj] = c[l - 1] * s;
        }
      }
      off += rows * cols;
      for (let k = 0; k < rows; k++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += dH[k * N + i];
        J[row + off + k] = beta * s;
      }
      if (l === 1) break;
      // ∂f/∂α̂^{(ℓ−1)} = c·Wᵀ dH, then through BN (per neuron, over the batch) and σ̇
      const dA = new Float64Array(cols * N);
      for (let k = 0; k < rows; k++)
        for (let jj = 0; jj < cols; jj++) {
          const w = c[l - 1] * W[l][k * cols + jj];
          if (w === 0) continue;
          for (let i = 0; i < N; i++) dA[jj * N + i] += w * dH[k * N + i];
        }
      if (bnAt(l - 1)) {
        // y = (a − m)/s: ∂/∂a_i = (dy_i − mean dy)/s − y_i·mean(dy·y)/s (s = √(v + ε); y already holds (a − m)/s)
        const is = invStd[l - 1];
        for (let k = 0; k < cols; k++) {
          let mdy = 0;
          let mdyy = 0;
          for (let i = 0; i < N; i++) {
            mdy += dA[k * N + i] / N;
            mdyy += (dA[k * N + i] * A[k * N + i]) / N;
          }
          for (let i = 0; i < N; i++) dA[k * N + i] = is[k] * (dA[k * N + i] - mdy - A[k * N + i] * mdyy);
        }
      }
      const h = H[l - 1];
      dH = new Float64Array(cols * N);
      for (let t = 0; t < cols * N; t++) dH[t] = dA[t] * dsigma(h[t]);
    }
  }
  return { outputs: H[L].slice(), jacobian: J, parameters: P };
}

/** The N×N Gram matrix Θ̃ = JJᵀ (row-major) of one network with fresh parameters drawn from `rng`. */
export function batchNormGram(net: BatchNormNetwork, inputs: Float64Array, n0: number, rng: Rng): Float64Array {
  validate(net, inputs, n0);
  const { jacobian: J, parameters: P } = batchNormJacobian(net, inputs, n0, batchNormParameters(net, n0, rng));
  const N = inputs.length / n0;
  const gram = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = i; j < N; j++) {
      let s = 0;
      for (let p = 0; p < P; p++) s += J[i * P + p] * J[j * P + p];
      gram[i * N + j] = s;
      gram[j * N + i] = s;
    }
  return gram;
}
