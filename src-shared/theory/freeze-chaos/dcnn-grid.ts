// Infinite-width NNGP and NTK of a d-dimensional DC-NN (d = 1 or 2; Jacot et al. 2019, Sec. 2.2, App. E, Props. 4–5)
// on several inputs at once: the whole Gram matrix Θ^{(L)}_{pp′}(x_a, x_b) over (input, output position), which Fig. 2
// diagonalizes. Same conventions as dcnn.ts, per dimension i: stride s_i, window ω_i = {−(w_i s_i − 1), …, 0}, parents
// P(p) = {q : s·q ∈ p + ω} (a product over dimensions), taps shared iff s·q − p = s·q′ − p′ (χ, App. E), so a pair of
// positions sees a weight-sharing parent pair only when s_i | p′_i − p_i for every i, and then q′ = q + (p′ − p)/s.
// Divisor: classic ∏w_i = |ω|/∏s_i, parent-based |P(p)|. Layer rates (Sec. 6.1 / App. F.1) with S = ∏s_i.
import { dcnnDualKernel, dcnnLearningRates, type DcnnParametrization, type DcnnLrScaling } from './dcnn';
import type { FreezeChaosModel } from './recursion';

/** Largest Gram matrix handled: (inputs × output positions) ≤ this. */
export const DCNN_GRID_MAX_ROWS = 2500;

export interface DcnnGridSpec {
  /** Per dimension (length d ∈ {1, 2}). */
  stride: readonly number[];
  window: readonly number[];
  /** |I₀| per dimension. */
  inputShape: readonly number[];
  depth: number;
  parametrization: DcnnParametrization;
  periodic?: boolean;
  lrScaling?: DcnnLrScaling;
}

export interface DcnnGrid {
  /** Output positions per dimension; positions are flattened row-major (last dimension fastest). */
  shape: number[];
  positions: number;
  inputs: number;
  /** Row-major (inputs·positions)² matrices, row index a·positions + p. */
  sigma: Float64Array;
  theta: Float64Array;
}

/** Output shape per layer I₀ … I_L (per dimension as in dcnn.ts: s(n + w − 1) with borders, s·n periodic). */
export function dcnnGridShapes(spec: DcnnGridSpec): number[][] {
  const d = spec.stride.length;
  if (!(d === 1 || d === 2)) throw new RangeError(`stride: give one stride per dimension, 1 or 2 dimensions`);
  if (spec.window.length !== d || spec.inputShape.length !== d)
    throw new RangeError(`window: window and inputShape need one entry per dimension (${d})`);
  for (let i = 0; i < d; i++) {
    if (!(Number.isInteger(spec.stride[i]) && spec.stride[i] >= 1 && spec.stride[i] <= 8))
      throw new RangeError(`stride: must be integers in [1, 8]`);
    if (!(Number.isInteger(spec.window[i]) && spec.window[i] >= 1 && spec.window[i] <= 8))
      throw new RangeError(`window: must be integers in [1, 8]`);
    if (!(Number.isInteger(spec.inputShape[i]) && spec.inputShape[i] >= 1 && spec.inputShape[i] <= 64))
      throw new RangeError(`inputShape: must be integers in [1, 64]`);
  }
  if (!(Number.isInteger(spec.depth) && spec.depth >= 1 && spec.depth <= 16))
    throw new RangeError(`depth: must be an integer in [1, 16]`);
  const shapes = [[...spec.inputShape]];
  for (let l = 1; l <= spec.depth; l++)
    shapes.push(
      shapes[l - 1].map((n, i) => (spec.periodic ? spec.stride[i] * n : spec.stride[i] * (n + spec.window[i] - 1))),
    );
  return shapes;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Θ and Σ over all (input, position) pairs at depth L for N inputs on 𝕊^{I₀}_{n₀}, given by their cosines
 * G[(a·|I₀| + q)·N|I₀| + b·|I₀| + q′] = x_{a,q}ᵀx_{b,q′}/n₀ (unit diagonal).
 */
export function dcnnGrid(
  model: FreezeChaosModel,
  spec: DcnnGridSpec,
  inputs: number,
  gram: ArrayLike<number>,
): DcnnGrid {
  const shapes = dcnnGridShapes(spec);
  const L = spec.depth;
  const d = spec.stride.length;
  if (!(Number.isInteger(inputs) && inputs >= 1)) throw new RangeError(`inputs: must be an integer ≥ 1`);
  const rowsLast = inputs * count(shapes[L]);
  if (rowsLast > DCNN_GRID_MAX_ROWS)
    throw new RangeError(
      `depth: ${inputs} inputs × ${count(shapes[L])} output positions = ${rowsLast} Gram rows (at most ${DCNN_GRID_MAX_ROWS})`,
    );
  const n0 = inputs * count(shapes[0]);
  if (gram.length !== n0 * n0) throw new RangeError(`gram: expected ${n0}×${n0} entries, got ${gram.length}`);
  for (let i = 0; i < n0; i++) {
    if (Math.abs(gram[i * n0 + i] - 1) > 1e-12)
      throw new RangeError('gram: inputs must lie on the sphere (unit diagonal)');
    for (let j = 0; j < n0; j++)
      if (!(Math.abs(gram[i * n0 + j]) <= 1 + 1e-12)) throw new RangeError('gram: entries are cosines in [−1, 1]');
  }
  const periodic = spec.periodic ?? false;
  const b2 = model.beta * model.beta;
  const w2 = 1 - b2;
  const S = spec.stride.reduce((a, b) => a * b, 1);
  const eta = dcnnLearningRates(spec.lrScaling ?? 'none', S, L);
  const kernel = dcnnDualKernel(model);
  const pair = new Float64Array(2);
  let sig = Float64Array.from(gram);
  let th = new Float64Array(n0 * n0);
  for (let l = 1; l <= L; l++) {
    const prev = shapes[l - 1];
    const cur = shapes[l];
    const m0 = count(prev);
    const m = count(cur);
    // per position: coordinates, parents (flattened, in the previous layer) and the divisor
    const coords: number[][] = [];
    const parents: number[][] = [];
    for (let p = 0; p < m; p++) {
      const c = d === 1 ? [p] : [Math.floor(p / cur[1]), p % cur[1]];
      coords.push(c);
      const per = c.map((ci, i) => {
        const top = Math.floor(ci / spec.stride[i]);
        const out: number[] = [];
        for (let q = top - spec.window[i] + 1; q <= top; q++)
          if (periodic) out.push(((q % prev[i]) + prev[i]) % prev[i]);
          else if (q >= 0 && q < prev[i]) out.push(q);
        return out;
      });
      parents.push(d === 1 ? per[0] : per[0].flatMap((a) => per[1].map((b) => a * prev[1] + b)));
    }
    const div = parents.map((ps) =>
      spec.parametrization === 'parent' ? ps.length : spec.window.reduce((a, b) => a * b, 1),
    );
    const rows = inputs * m;
    const rows0 = inputs * m0;
    const nsig = new Float64Array(rows * rows);
    const nth = new Float64Array(rows * rows);
    const ew = eta.weights[l],
      eb = eta.biases[l];
    for (let i = 0; i < rows; i++) {
      const a = Math.floor(i / m),
        p = i % m;
      for (let j = i; j < rows; j++) {
        const b = Math.floor(j / m),
          p2 = j % m;
        let shared = true;
        const shift = [0, 0];
        for (let k = 0; k < d; k++) {
          const diff = coords[p2][k] - coords[p][k];
          if (diff % spec.stride[k] !== 0) shared = false;
          shift[k] = diff / spec.stride[k];
        }
        let sumS = 0,
          sumT = 0;
        if (shared && parents[p].length && parents[p2].length) {
          for (const q of parents[p]) {
            // q′ = q + (p′ − p)/s, which must exist in the previous layer
            let q2 = 0;
            let ok = true;
            for (let k = 0; k < d; k++) {
              const qk = d === 1 ? q : k === 0 ? Math.floor(q / prev[1]) : q % prev[1];
              let v = qk + shift[k];
              if (periodic) v = ((v % prev[k]) + prev[k]) % prev[k];
              else if (v < 0 || v >= prev[k]) ok = false;
              q2 = q2 * (k === 0 ? 1 : prev[k]) + v;
            }
            if (!ok) continue;
            const u = a * m0 + q,
              v = b * m0 + q2;
            if (l === 1) sumS += sig[u * rows0 + v];
            else {
              kernel(sig[u * rows0 + u], sig[u * rows0 + v], sig[v * rows0 + v], pair);
              sumS += pair[0];
              sumT += th[u * rows0 + v] * pair[1];
            }
          }
        }
        const f = shared ? w2 / Math.sqrt(div[p] * div[p2]) : 0;
        const s = b2 + f * sumS;
        const t = eb * b2 + ew * f * sumS + f * sumT;
        nsig[i * rows + j] = nsig[j * rows + i] = s;
        nth[i * rows + j] = nth[j * rows + i] = t;
      }
    }
    sig = nsig;
    th = nth;
  }
  return { shape: shapes[L], positions: count(shapes[L]), inputs, sigma: sig, theta: th };
}

/** v_s(d) in several dimensions: the largest k ≤ cap with s_i^k | d_i for every i (cap at d = 0). */
export function sValuationNd(offset: readonly number[], stride: readonly number[], cap: number): number {
  let v = cap;
  offset.forEach((di, i) => {
    if (di === 0) return;
    let k = 0;
    let x = Math.abs(di);
    while (k < cap && x % stride[i] === 0) {
      x /= stride[i];
      k++;
    }
    v = Math.min(v, k);
  });
  return v;
}
