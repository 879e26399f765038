// One SGD step of the sweep's network written with plain float64 loops: the independent reference for the tfjs Mlp
// (reference-sgd.test.ts compares the two) and the baseline of bench/trainability.ts.
// Same network as train-cell.ts: NTK parametrization h_l = s_l V_l x_{l−1} + t β_l, s_l = σ_w/√n_{l−1}, t = σ_b,
// x_l = φ(h_l) for l < L, f = h_L; loss (1/B)Σ_b ½‖f_b − y_b‖²; V ← V − η∂/∂V, β ← β − η∂/∂β.
import { activationFor, type TfActivationName } from '../../../src-shared/network/activations';

export interface ReferenceNet {
  widths: number[];
  activation: TfActivationName;
  sigmaW2: number;
  sigmaB2: number;
  /** V_l row-major [n_l, n_{l−1}] and β_l [n_l], l = 1…L. */
  V: Float64Array[];
  beta: Float64Array[];
}

/** Apply one SGD step in place on a batch x [B, n₀], y [B, n_L]; returns the batch loss before the step. */
export function referenceSgdStep(
  net: ReferenceNet,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  B: number,
  lr: number,
): number {
  const { widths, V, beta } = net;
  const L = widths.length - 1;
  const { phi, dphi } = activationFor('tensorflow', net.activation);
  const t = Math.sqrt(net.sigmaB2);
  // forward, keeping every layer's input xs[l] and pre-activation hs[l] ([B, n])
  const xs: Float64Array[] = [Float64Array.from(x as ArrayLike<number>)];
  const hs: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const nIn = widths[l],
      nOut = widths[l + 1];
    const s = Math.sqrt(net.sigmaW2 / nIn);
    const h = new Float64Array(B * nOut);
    const xin = xs[l],
      W = V[l],
      b = beta[l];
    for (let r = 0; r < B; r++) {
      for (let i = 0; i < nOut; i++) {
        let acc = 0;
        for (let k = 0; k < nIn; k++) acc += W[i * nIn + k] * xin[r * nIn + k];
        h[r * nOut + i] = s * acc + t * b[i];
      }
    }
    hs.push(h);
    if (l < L - 1) xs.push(h.map(phi));
  }
  // loss and G_L = ∂loss/∂f = (f − y)/B
  const nL = widths[L];
  const f = hs[L - 1];
  let loss = 0;
  let G: Float64Array = new Float64Array(B * nL);
  for (let k = 0; k < B * nL; k++) {
    const d = f[k] - y[k];
    loss += 0.5 * d * d;
    G[k] = d / B;
  }
  loss /= B;
  // backward: ∂/∂V_l = s G_lᵀ x_{l−1}, ∂/∂β_l = t Σ_b G_l, G_{l−1} = φ′(h_{l−1}) ⊙ s G_l V_l; update after use
  for (let l = L - 1; l >= 0; l--) {
    const nIn = widths[l],
      nOut = widths[l + 1];
    const s = Math.sqrt(net.sigmaW2 / nIn);
    const W = V[l],
      b = beta[l],
      xin = xs[l];
    let Gprev: Float64Array | undefined;
    if (l > 0) {
      Gprev = new Float64Array(B * nIn);
      const hprev = hs[l - 1];
      for (let r = 0; r < B; r++) {
        for (let k = 0; k < nIn; k++) {
          let acc = 0;
          for (let i = 0; i < nOut; i++) acc += G[r * nOut + i] * W[i * nIn + k];
          Gprev[r * nIn + k] = dphi(hprev[r * nIn + k]) * s * acc;
        }
      }
    }
    for (let i = 0; i < nOut; i++) {
      let gb = 0;
      for (let r = 0; r < B; r++) gb += G[r * nOut + i];
      b[i] -= lr * t * gb;
      for (let k = 0; k < nIn; k++) {
        let gw = 0;
        for (let r = 0; r < B; r++) gw += G[r * nOut + i] * xin[r * nIn + k];
        W[i * nIn + k] -= lr * s * gw;
      }
    }
    if (Gprev) G = Gprev;
  }
  return loss;
}
