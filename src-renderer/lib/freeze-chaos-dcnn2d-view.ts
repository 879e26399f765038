// The deconvolution panel in two dimensions (Jacot et al. 2019, Sec. 2.2 with d = 2, Thm 4, Prop. 2, Prop. 7): the
// same views as the 1-D ones (freeze-chaos-dcnn-view.ts) from the d-dimensional Gram (dcnn-grid.ts), stride s and
// window w in both dimensions, |I₀| × |I₀| input pixels, one input (x = y). The checkerboard is read around the
// middle output pixel p along the first axis (p + (d, 0)) and along the diagonal (p + (d, d)); the s-valuation of a
// 2-D offset is the largest k with s^k dividing every coordinate. Borders: Θ_pp along the middle row.
import {
  dcnnGrid,
  dcnnGridShapes,
  dcnnLearningRates,
  sValuationNd,
  stationaryInputGram,
  type DcnnGridSpec,
  type FreezeChaosModel,
} from '../../src-shared/theory/freeze-chaos/index';
import type { CheckerRow, DcnnRequest, DcnnView } from './freeze-chaos-dcnn-view';

/** Output pixels drawn in 2-D (the tab recomputes on every change; the Gram is pixels² entries). */
export const DCNN2D_MAX_PIXELS = 1200;

export function dcnn2dView(model: FreezeChaosModel, q: DcnnRequest): DcnnView {
  const n = q.inputPositions;
  const base: Omit<DcnnGridSpec, 'parametrization'> = {
    stride: [q.stride, q.stride],
    window: [q.window, q.window],
    inputShape: [n, n],
    depth: q.depth,
    periodic: q.periodic,
    lrScaling: q.lrScaling,
  };
  const shapes = dcnnGridShapes({ ...base, parametrization: 'parent' });
  const side = shapes[q.depth][0];
  if (side * side > DCNN2D_MAX_PIXELS)
    throw new RangeError(
      `depth: the 2-D output has ${side} × ${side} = ${side * side} pixels (at most ${DCNN2D_MAX_PIXELS}): ` +
        'lower the DC-NN depth or |I₀|',
    );
  const m = side * side;
  const gram = stationaryInputGram(n * n, 1, q.inputCorrelation);
  const parent = dcnnGrid(model, { ...base, parametrization: 'parent' }, 1, gram).theta;
  let classic: Float64Array | null = null;
  let borderNote = '';
  try {
    classic = dcnnGrid(model, { ...base, parametrization: 'classic' }, 1, gram).theta;
  } catch (err) {
    borderNote = err instanceof Error ? err.message : String(err);
  }
  const S = q.stride * q.stride;
  const L = q.depth;
  const boundSource =
    model.phase !== 'freeze' ? null : q.lrScaling === 'none' ? 'thm4' : q.lrScaling === 'appF.1' ? 'prop7' : null;
  const a = boundSource === 'prop7' ? Math.sqrt(S) * model.r : model.r;
  const bound = (v: number) => (Math.abs(a - 1) < 1e-12 ? (v + 1) / L : (1 - a ** (v + 1)) / (1 - a ** L));
  const c = Math.floor(side / 2);
  const maxOffset = Math.min(c, side - 1 - c, 20);
  const p = c * side + c;
  const rows = (diag: boolean): CheckerRow[] =>
    Array.from({ length: 2 * maxOffset + 1 }, (_, i) => {
      const d = i - maxOffset;
      const off = diag ? [d, d] : [d, 0];
      const p2 = (c + off[0]) * side + c + off[1];
      const v = Math.min(sValuationNd(off, [q.stride, q.stride], L - 1), L - 1);
      return {
        offset: d,
        vartheta: parent[p * m + p2] / Math.sqrt(parent[p * m + p] * parent[p2 * m + p2]),
        valuation: v,
        upper: boundSource ? bound(v) : null,
      };
    });
  const border = Array.from({ length: side }, (_, j) => {
    const pj = c * side + j;
    return { position: j, parent: parent[pj * m + pj], classic: classic ? classic[pj * m + pj] : null };
  });
  const eta = dcnnLearningRates(q.lrScaling, S, L);
  const b2 = model.beta * model.beta;
  let fcDiag = 0;
  for (let k = 1; k <= L; k++) fcDiag = fcDiag * model.r + eta.biases[k] * b2 + eta.weights[k] * (1 - b2);
  return {
    positions: side,
    layerSizes: shapes.map((s) => s[0]),
    checker: rows(false),
    diagonal: rows(true),
    parametrization: 'parent',
    border,
    borderNote,
    fcDiag,
    boundSource,
    sqrtSr: Math.sqrt(S) * model.r,
  };
}
