// The two slice plots of the plane (Seleznova & Kutyniok 2022, Fig. 1 reads along λ): dispersion vs λ at the cursor's
// σ_w² and
// vs σ_w² at the cursor's λ, finite width (Thm 3.2) and limit (Thm 3.1) from the same grid function as the
// heat map, so a slice is exactly a line through the plane; and the exact finite-network dispersion
// (docs/exact-moments.md) on a coarser subset of x (it costs O(L) per point). Measured points sit on a subset of x.
import { dispersionGrid, gridInputDim, reluExactMoments } from '../../src-shared/theory';
import { depthFromLambda, linspace, PLANE } from './plane';

export type SliceAxis = 'depthToWidth' | 'sigmaW2';

export interface SliceSpec {
  axis: SliceAxis;
  /** Plotted x (both ends included). */
  xs: Float64Array;
  /** Indices into xs where points are measured (10–15 of them). */
  measureAt: readonly number[];
}

const everyNth = (count: number, step: number, from: number) =>
  Array.from({ length: Math.floor((count - 1 - from) / step) + 1 }, (_, k) => from + k * step);

/** λ from 0 to 1.5 in steps of 0.005; measured at λ = 0.125, 0.25, …, 1.5 (12 points). */
export const LAMBDA_SLICE: SliceSpec = {
  axis: 'depthToWidth',
  xs: linspace(PLANE.depthToWidth.min, PLANE.depthToWidth.max, 301),
  measureAt: everyNth(301, 25, 25),
};

/** σ_w² from 0.5 to 4 in steps of 0.01 (σ_w² = 2 is a plotted point); measured at 0.5, 0.75, …, 4 (15 points). */
export const SIGMA_SLICE: SliceSpec = {
  axis: 'sigmaW2',
  xs: linspace(PLANE.sigmaW2.min, PLANE.sigmaW2.max, 351),
  measureAt: everyNth(351, 25, 0),
};

export interface SliceData {
  xs: Float64Array;
  finite: Float64Array;
  limit: Float64Array;
  /** Exact E[Θ²]/E[Θ]² of the finite network at every `exactStride`-th x and the last one; NaN elsewhere. */
  exact: Float64Array;
}

/** Layers evaluated per slice for the exact curve (≈150 flops each): keeps a redraw within a few ms at any M. */
const EXACT_LAYER_BUDGET = 400_000;

function exactSeries(
  xs: Float64Array,
  network: (x: number) => { sigmaW2: number; depth: number },
  net: SliceNetwork,
): Float64Array {
  const out = new Float64Array(xs.length).fill(Number.NaN);
  const inputDim = gridInputDim(net.alpha0, net.width);
  let layers = 0;
  for (const x of xs) layers += network(x).depth;
  const stride = Math.max(5, Math.ceil(layers / EXACT_LAYER_BUDGET));
  for (let k = 0; k < xs.length; k++) {
    if (k % stride !== 0 && k !== xs.length - 1) continue;
    const { sigmaW2, depth } = network(xs[k]);
    const w = new Float64Array(depth).fill(net.width);
    w[0] = inputDim;
    out[k] = reluExactMoments(sigmaW2, w).dispersion;
  }
  return out;
}

/** A measured point on a slice, drawn with ±SE error bars (estimates from the engine, never from theory). */
export interface MeasuredMark {
  /** Index into SliceData.xs. */
  index: number;
  estimate: number;
  stderr: number;
  samples: number;
  samplesRequested: number;
  done: boolean;
  /** Share of Σθ² carried by the top 1 % of networks (heavy-tail warning), when the engine reports it. */
  tailShare?: number;
}

export interface SliceNetwork {
  width: number;
  alpha0: number;
}

/** Dispersion vs λ at fixed σ_w². */
export function sliceAlongLambda(sigmaW2: number, net: SliceNetwork): SliceData {
  const xs = LAMBDA_SLICE.xs;
  const base = { sigmaW2: [sigmaW2], depthToWidth: xs, width: net.width, alpha0: net.alpha0 };
  const exact = exactSeries(xs, (x) => ({ sigmaW2, depth: depthFromLambda(x, net.width) }), net);
  return {
    xs,
    finite: dispersionGrid({ ...base, kind: 'finite' }),
    limit: dispersionGrid({ ...base, kind: 'limit' }),
    exact,
  };
}

/** Dispersion vs σ_w² at fixed λ. */
export function sliceAlongSigma(depthToWidth: number, net: SliceNetwork): SliceData {
  const xs = SIGMA_SLICE.xs;
  const base = { sigmaW2: xs, depthToWidth: [depthToWidth], width: net.width, alpha0: net.alpha0 };
  const depth = depthFromLambda(depthToWidth, net.width);
  const exact = exactSeries(xs, (x) => ({ sigmaW2: x, depth }), net);
  return {
    xs,
    finite: dispersionGrid({ ...base, kind: 'finite' }),
    limit: dispersionGrid({ ...base, kind: 'limit' }),
    exact,
  };
}

/** Network parameters of a slice's measured point k (an index into spec.measureAt). */
export function slicePointNetwork(spec: SliceSpec, k: number, fixed: number, net: SliceNetwork & { inputDim: number }) {
  const x = spec.xs[spec.measureAt[k]];
  const sigmaW2 = spec.axis === 'sigmaW2' ? x : fixed;
  const depthToWidth = spec.axis === 'sigmaW2' ? fixed : x;
  return { sigmaW2, depth: depthFromLambda(depthToWidth, net.width), width: net.width, inputDim: net.inputDim };
}
