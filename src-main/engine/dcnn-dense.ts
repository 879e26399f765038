// A dense finite-width DC-NN (1-D or 2-D) and its exact NTK on one input (Jacot et al. 2019, Sec. 2.2 and Sec. 6): the
// measured counterpart of src-shared/theory/freeze-chaos/dcnn.ts and dcnn-grid.ts, weights materialized (small nets
// only). Per dimension i: stride s_i, window ω_i = {−(w_i s_i − 1), …, 0}; output p reads the parents q with
// s·q ∈ p + ω through tap t = p − s·q (weights shared by tap, App. E), borders "full" (n_{ℓ+1} = s(n_ℓ + w − 1)).
// Positions and taps are flattened row-major. Layer k (1..L):
//   h_k[p] = √(1 − β²)/√(M_{k−1}·c_p)·Σ_{q ∈ P(p)} W_k[p − sq]·σ(h_{k−1}[q]) + β·b_k,
// c_p = ∏w_i (classic) or |P(p)| (parent), all parameters N(0, 1), σ(h_0) := x, one output channel. The kernel with
// per-layer learning rates η (Sec. 6.1):
//   Θ_η(p, p′) = Σ_k η_W(k)⟨∂f_p/∂W_k, ∂f_p′/∂W_k⟩ + η_b(k)⟨∂f_p/∂b_k, ∂f_p′/∂b_k⟩, each gradient by backprop.
import type { Rng } from '../../src-shared/rng';
import type { DcnnParametrization } from '../../src-shared/theory/freeze-chaos/index';
import { normalZiggurat } from './gamma';

export interface DenseDcnn {
  sigma(x: number): number;
  dsigma(x: number): number;
  beta: number;
  /** Per dimension (1 or 2 dimensions). */
  stride: readonly number[];
  window: readonly number[];
  depth: number;
  /** Hidden channels M (the input has n₀ = |I₀| channels, the output 1). */
  width: number;
  parametrization: DcnnParametrization;
  /** η_W(k), η_b(k), k = 1..L (index 0 unused). */
  rates: { weights: ArrayLike<number>; biases: ArrayLike<number> };
}

/** Parents of the flattened position p of a layer of shape `cur` in the previous one (`prev`), with their taps. */
function parentsOf(p: number, cur: number[], prev: number[], s: readonly number[], w: readonly number[]) {
  const d = cur.length;
  const coord = d === 1 ? [p] : [Math.floor(p / cur[1]), p % cur[1]];
  let list = [{ q: 0, tap: 0 }];
  for (let i = 0; i < d; i++) {
    const next: { q: number; tap: number }[] = [];
    const top = Math.floor(coord[i] / s[i]);
    for (const e of list)
      for (let qi = top - w[i] + 1; qi <= top; qi++)
        if (qi >= 0 && qi < prev[i])
          next.push({ q: e.q * prev[i] + qi, tap: e.tap * (w[i] * s[i]) + coord[i] - s[i] * qi });
    list = next;
  }
  return list;
}

/**
 * Θ_η(p, p′) (row-major, n_L × n_L over flattened output positions) of one freshly drawn network on the input x
 * (x[q·n₀ + j]: input positions of shape `inputShape` × n₀ channels, each ‖x_q‖² = n₀).
 */
export function denseDcnnNtk(net: DenseDcnn, x: Float64Array, inputShape: readonly number[], rng: Rng): Float64Array {
  const { stride: sv, window: wv, depth: L, beta } = net;
  const shapes = [[...inputShape]];
  for (let k = 1; k <= L; k++) shapes.push(shapes[k - 1].map((n, i) => sv[i] * (n + wv[i] - 1)));
  const sizes = shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
  const n0 = x.length / sizes[0];
  const ch = [n0, ...Array.from({ length: L - 1 }, () => net.width), 1];
  const taps = sv.reduce((a, si, i) => a * si * wv[i], 1);
  const classicDiv = wv.reduce((a, b) => a * b, 1);
  const W: Float64Array[] = [new Float64Array(0)];
  const b: Float64Array[] = [new Float64Array(0)];
  for (let k = 1; k <= L; k++) {
    W.push(Float64Array.from({ length: taps * ch[k] * ch[k - 1] }, () => normalZiggurat(rng)));
    b.push(Float64Array.from({ length: ch[k] }, () => normalZiggurat(rng)));
  }
  const par: { q: number; tap: number }[][][] = [[]];
  const scale: Float64Array[] = [new Float64Array(0)];
  for (let k = 1; k <= L; k++) {
    par.push(Array.from({ length: sizes[k] }, (_, p) => parentsOf(p, shapes[k], shapes[k - 1], sv, wv)));
    scale.push(
      Float64Array.from(par[k], (ps) =>
        Math.sqrt((1 - beta * beta) / (ch[k - 1] * (net.parametrization === 'parent' ? ps.length : classicDiv))),
      ),
    );
  }
  // forward: act[k][p·ch + i] = σ(h_k) (act[0] = x), slope[k] = σ̇(h_k)
  const act: Float64Array[] = [x];
  const slope: Float64Array[] = [new Float64Array(0)];
  for (let k = 1; k <= L; k++) {
    const h = new Float64Array(sizes[k] * ch[k]);
    for (let p = 0; p < sizes[k]; p++)
      for (let i = 0; i < ch[k]; i++) {
        let sum = 0;
        for (const { q, tap } of par[k][p]) {
          const off = (tap * ch[k] + i) * ch[k - 1];
          for (let j = 0; j < ch[k - 1]; j++) sum += W[k][off + j] * act[k - 1][q * ch[k - 1] + j];
        }
        h[p * ch[k] + i] = scale[k][p] * sum + beta * b[k][i];
      }
    act.push(Float64Array.from(h, (v) => net.sigma(v)));
    slope.push(Float64Array.from(h, (v) => net.dsigma(v)));
  }
  // one backprop per output position; gradients per layer
  const nOut = sizes[L];
  const gW: Float64Array[][] = []; // gW[p][k]
  const gB: Float64Array[][] = [];
  for (let p0 = 0; p0 < nOut; p0++) {
    let delta = new Float64Array(nOut);
    delta[p0] = 1;
    const gw: Float64Array[] = [new Float64Array(0)];
    const gb: Float64Array[] = [new Float64Array(0)];
    for (let k = L; k >= 1; k--) {
      const gwk = new Float64Array(taps * ch[k] * ch[k - 1]);
      const gbk = new Float64Array(ch[k]);
      const back = new Float64Array(sizes[k - 1] * ch[k - 1]);
      for (let p = 0; p < sizes[k]; p++)
        for (let i = 0; i < ch[k]; i++) {
          const d = delta[p * ch[k] + i];
          if (d === 0) continue;
          gbk[i] += beta * d;
          const sd = scale[k][p] * d;
          for (const { q, tap } of par[k][p]) {
            const off = (tap * ch[k] + i) * ch[k - 1];
            for (let j = 0; j < ch[k - 1]; j++) {
              gwk[off + j] += sd * act[k - 1][q * ch[k - 1] + j];
              back[q * ch[k - 1] + j] += sd * W[k][off + j];
            }
          }
        }
      gw[k] = gwk;
      gb[k] = gbk;
      if (k > 1) delta = Float64Array.from(back, (v, idx) => v * slope[k - 1][idx]);
    }
    gW.push(gw);
    gB.push(gb);
  }
  const theta = new Float64Array(nOut * nOut);
  const dot = (u: Float64Array, v: Float64Array) => {
    let t = 0;
    for (let i = 0; i < u.length; i++) t += u[i] * v[i];
    return t;
  };
  for (let p = 0; p < nOut; p++)
    for (let p2 = p; p2 < nOut; p2++) {
      let t = 0;
      for (let k = 1; k <= L; k++)
        t += net.rates.weights[k] * dot(gW[p][k], gW[p2][k]) + net.rates.biases[k] * dot(gB[p][k], gB[p2][k]);
      theta[p * nOut + p2] = theta[p2 * nOut + p] = t;
    }
  return theta;
}
